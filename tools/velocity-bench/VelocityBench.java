// Apache Velocity 1.7 + Jayway JsonPath on the shared workloads, the way a serious
// embedder runs them: the template parsed once, then for each render a fresh
// context ($input over the raw body, parsed on first use as the oracle does,
// $util, $context with its override maps, $stageVariables) and a merge.
// It reuses the oracle's classes (../shared/oracle/java/ApiGwOracle.java), so the
// object model and the null rules are exactly the oracle's. Run with run.sh.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.log.NullLogChute;
import org.apache.velocity.runtime.parser.node.SimpleNode;

import java.io.File;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

public final class VelocityBench {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        JsonNode c = new ObjectMapper().readTree(new File(args[0])).get("cases").get(0);
        String source = c.get("template").asText();
        ApiGwOracle.Invocation inv = ApiGwOracle.Invocation.from(c.path("input"));

        RuntimeInstance ri = new RuntimeInstance();
        ri.setProperty("runtime.log.logsystem.class", NullLogChute.class.getName());
        ri.setProperty("directive.foreach.maxloops", "1000");
        ri.setProperty("runtime.introspector.uberspect", ApiGwOracle.NullAsEmptyUberspect.class.getName());
        ri.setProperty("velocimacro.permissions.allow.inline.local.scope", "true");
        ri.init();
        SimpleNode node = ri.parse(new StringReader(source), "bench");
        Template t = new Template();
        t.setRuntimeServices(ri);
        t.setData(node);
        t.initDocument();
        ApiGwOracle.JsonModel model = new ApiGwOracle.JsonModel(false);

        // The same output as the oracle, which parses the template on every render.
        String want = new ApiGwOracle.Oracle(model, true).renderTemplate(source, inv).body;
        String got = render(t, inv, model);
        if (!got.equals(want)) {
            System.err.println("output differs from the oracle's");
            System.exit(1);
        }
        // Warm-up (JIT), then batches of about 10 ms each; the median batch.
        long end = System.nanoTime() + 3_000_000_000L;
        int perBatch = 1;
        while (System.nanoTime() < end) {
            long s = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                render(t, inv, model);
            }
            if (System.nanoTime() - s < 10_000_000L) {
                perBatch *= 2;
            }
        }
        int batches = (int) Math.max(10, seconds * 100);
        double[] us = new double[batches];
        for (int b = 0; b < batches; b++) {
            long s = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                render(t, inv, model);
            }
            us[b] = (System.nanoTime() - s) / 1000.0 / perBatch;
        }
        Arrays.sort(us);
        System.out.printf("%s: median %.2f us per render (%d batches of %d; min %.2f, max %.2f)%n",
                new File(args[0]).getName(), us[batches / 2], batches, perBatch, us[0], us[batches - 1]);
    }

    static String render(Template t, ApiGwOracle.Invocation inv, ApiGwOracle.JsonModel model) {
        ApiGwOracle.OverrideMap responseOverride = new ApiGwOracle.OverrideMap();
        responseOverride.putQuietly("header", new ApiGwOracle.OverrideMap());
        ApiGwOracle.OverrideMap requestOverride = new ApiGwOracle.OverrideMap();
        requestOverride.putQuietly("path", new ApiGwOracle.OverrideMap());
        requestOverride.putQuietly("header", new ApiGwOracle.OverrideMap());
        requestOverride.putQuietly("querystring", new ApiGwOracle.OverrideMap());
        Map<String, Object> context = ApiGwOracle.ContextMap.of(inv.context);
        context.put("responseOverride", responseOverride);
        context.put("requestOverride", requestOverride);
        VelocityContext vc = new ApiGwOracle.NullAsEmptyContext();
        vc.put("input", new ApiGwOracle.InputVar(inv, model));
        vc.put("util", new ApiGwOracle.UtilVar(model));
        vc.put("context", context);
        vc.put("stageVariables", new LinkedHashMap<>(inv.stageVariables));
        EventCartridge ec = new EventCartridge();
        ec.addEventHandler((ReferenceInsertionEventHandler) (ref, value) -> value == null ? "" : value);
        ec.attachToContext(vc);
        StringWriter w = new StringWriter();
        t.merge(vc, w);
        return w.toString();
    }
}
