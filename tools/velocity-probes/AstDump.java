import org.apache.velocity.runtime.RuntimeInstance;
import org.apache.velocity.runtime.parser.node.*;
import org.apache.velocity.runtime.parser.*;
import org.apache.velocity.runtime.log.NullLogChute;
import java.io.*;

public class AstDump {
    static String esc(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '\n') b.append("\\n"); else if (c == '\r') b.append("\\r"); else if (c == '\t') b.append("\\t");
            else if (c == '"') b.append("\\\""); else if (c == '\\') b.append("\\\\"); else b.append(c);
        }
        return b.append("\"").toString();
    }
    static String tok(Token t) {
        StringBuilder sb = new StringBuilder();
        if (t.specialToken != null) {
            Token s = t.specialToken; while (s.specialToken != null) s = s.specialToken;
            sb.append("{special:");
            for (; s != null && s != t; s = s.next) sb.append(ParserConstants.tokenImage[s.kind]).append("=").append(esc(s.image)).append(" ");
            sb.append("}");
        }
        sb.append(ParserConstants.tokenImage[t.kind]).append("=").append(esc(t.image)).append("@").append(t.beginLine).append(":").append(t.beginColumn);
        return sb.toString();
    }
    static void dump(Node n, String ind) {
        SimpleNode sn = (SimpleNode) n;
        StringBuilder sb = new StringBuilder(ind + sn.getClass().getSimpleName());
        if (sn instanceof ASTDirective) sb.append("[" + ((ASTDirective) sn).getDirectiveName() + "]");
        Token f = sn.getFirstToken(), l = sn.getLastToken();
        sb.append("  ");
        if (f != null) {
            for (Token t = f; t != null; t = t.next) { sb.append(tok(t)).append(" "); if (t == l) break; }
        }
        System.out.println(sb);
        for (int i = 0; i < n.jjtGetNumChildren(); i++) dump(n.jjtGetChild(i), ind + "  ");
    }
    public static void main(String[] args) throws Exception {
        RuntimeInstance ri = new RuntimeInstance();
        ri.setProperty("runtime.log.logsystem.class", NullLogChute.class.getName());
        ri.init();
        for (String a : args) {
            System.out.println("=== " + esc(a));
            try { dump(ri.parse(new StringReader(a), "t"), ""); }
            catch (Throwable e) { System.out.println("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage()); }
        }
    }
}
