package org.apache.velocity.runtime.parser;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

/** Reads templates (one JSON string per line on stdin), lexes each standalone from DEFAULT
 * (or the state given as arg), prints one line per template: tokens as KIND|image|line:col|state-after ;; */
public class LexDump {
    static String esc(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
    static String unjson(String line) {
        // minimal JSON string decoder
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < line.length() - 1; i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                char n = line.charAt(++i);
                switch (n) {
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16)); i += 4; break;
                    default: b.append(n);
                }
            } else b.append(c);
        }
        return b.toString();
    }
    public static void main(String[] args) throws Exception {
        int start = args.length > 0 ? Integer.parseInt(args[0]) : ParserConstants.DEFAULT;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            String t = unjson(line);
            StringBuilder sb = new StringBuilder();
            try {
                VelocityCharStream cs = new VelocityCharStream(new StringReader(t), 1, 1);
                ParserTokenManager tm = new ParserTokenManager(cs);
                tm.SwitchTo(start);
                for (int n = 0; n < 100000; n++) {
                    Token tok = tm.getNextToken();
                    if (tok.specialToken != null) {
                        Token s = tok.specialToken; while (s.specialToken != null) s = s.specialToken;
                        for (; s != null && s != tok; s = s.next)
                            sb.append("S:").append(s.kind).append("|").append(esc(s.image)).append(" ");
                    }
                    sb.append(tok.kind).append("|").append(tok.kind == 0 ? "<EOF>" : esc(tok.image)).append("|").append(tm.curLexState).append(" ");
                    if (tok.kind == 0) break;
                }
            } catch (TokenMgrError e) {
                sb.append("LEXERR");
            }
            out.println(sb.toString().trim());
        }
    }
}
