// Prints the expectations of the regex table test (src/java/regex.rs) as computed by the JDK.
// Usage: java src/java/gen/RegexCases.java < cases.txt
// Each input line: KIND<TAB>PATTERN<TAB>INPUT[<TAB>ARG] with backslash escapes t n r backslash and uXXXX
// KIND: F (all find spans, UTF-8 byte offsets), M (matches), R (replaceAll ARG), P (replaceFirst ARG), S (split limit ARG)
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;

public class RegexCases {
    static String unesc(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 't': sb.append('\t'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case '\\': sb.append('\\'); break;
                    case 'u': sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; break;
                    default: sb.append('\\').append(n);
                }
            } else sb.append(c);
        }
        return sb.toString();
    }
    static String rust(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp == '"') sb.append("\\\"");
            else if (cp == '\\') sb.append("\\\\");
            else if (cp == '\n') sb.append("\\n");
            else if (cp == '\r') sb.append("\\r");
            else if (cp == '\t') sb.append("\\t");
            else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) sb.append(String.format("\\u{%x}", cp));
            else sb.appendCodePoint(cp);
        });
        return sb.append('"').toString();
    }
    static int b(String s, int i) { return s.substring(0, i).getBytes(StandardCharsets.UTF_8).length; }
    public static void main(String[] a) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            String kind = f[0], p = unesc(f[1]), in = unesc(f[2]), arg = f.length > 3 ? unesc(f[3]) : "";
            String out;
            try {
                switch (kind) {
                    case "F": {
                        Matcher m = Pattern.compile(p).matcher(in);
                        StringBuilder sb = new StringBuilder();
                        while (m.find()) sb.append(sb.length() > 0 ? "," : "").append(b(in, m.start())).append('-').append(b(in, m.end()));
                        out = sb.toString(); break;
                    }
                    case "M": out = String.valueOf(in.matches(p)); break;
                    case "R": out = in.replaceAll(p, arg); break;
                    case "P": out = in.replaceFirst(p, arg); break;
                    case "S": out = String.join("|", Arrays.stream(in.split(p, Integer.parseInt(arg))).map(x -> "<" + x + ">").toArray(String[]::new)); break;
                    default: throw new IllegalStateException(kind);
                }
            } catch (Exception e) {
                out = "ERR:" + e.getClass().getName();
            }
            System.out.println("            (\"" + kind + "\", " + rust(p) + ", " + rust(in) + ", " + rust(arg) + ", " + rust(out) + "),");
        }
    }
}
