// Generates src/java/jdk.rs: the public methods Velocity 1.7's introspector sees on each
// Java class a template value can be, in the order its ClassMap discovers them, and the
// assignability of the parameter types that occur.
//
// Run (from the repository root):
//   javac -d /tmp/gen -cp /usr/share/java/json-smart.jar:/usr/share/java/velocity-1.7.jar src/java/gen/GenMethods.java
//   java -cp /tmp/gen:/usr/share/java/json-smart.jar:/usr/share/java/velocity-1.7.jar GenMethods > src/java/jdk.rs
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.*;

public class GenMethods {
    static final LinkedHashMap<Class<?>, String> TYPES = new LinkedHashMap<>();

    // The classes of template values, with the Rust name of their table.
    static Object[][] receivers() {
        LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
        m.put("a", 1);
        Map.Entry<String, Integer> e = m.entrySet().iterator().next();
        return new Object[][] {
            {"STRING", String.class},
            {"INTEGER", Integer.class},
            {"LONG", Long.class},
            {"DOUBLE", Double.class},
            {"FLOAT", Float.class},
            {"BIG_INTEGER", java.math.BigInteger.class},
            {"BIG_DECIMAL", java.math.BigDecimal.class},
            {"BOOLEAN", Boolean.class},
            {"CHARACTER", Character.class},
            {"ARRAY_LIST", ArrayList.class},
            {"JSON_ARRAY", net.minidev.json.JSONArray.class},
            {"STRING_ARRAY", String[].class},
            {"CHAR_ARRAY", char[].class},
            {"BYTE_ARRAY", byte[].class},
            {"OBJECT_ARRAY", Object[].class},
            {"ITERATOR", new ArrayList<Object>().iterator().getClass()},
            {"LIST_ITERATOR", new ArrayList<Object>().listIterator().getClass()},
            {"ARRAY_LIST_WRAPPER", org.apache.velocity.util.ArrayListWrapper.class},
            {"LINKED_HASH_MAP", LinkedHashMap.class},
            {"KEY_SET", m.keySet().getClass()},
            {"VALUES", m.values().getClass()},
            {"ENTRY_SET", m.entrySet().getClass()},
            {"ENTRY", e.getClass()},
            {"CLASS", Class.class},
        };
    }

    // Classes values can have when passed as arguments (besides the receivers).
    static Class<?>[] extraActuals() {
        return new Class<?>[] { Object.class };
    }

    static String wrapperName(Class<?> c) {
        if (c == boolean.class) return "java.lang.Boolean";
        if (c == byte.class) return "java.lang.Byte";
        if (c == char.class) return "java.lang.Character";
        if (c == double.class) return "java.lang.Double";
        if (c == float.class) return "java.lang.Float";
        if (c == int.class) return "java.lang.Integer";
        if (c == long.class) return "java.lang.Long";
        if (c == short.class) return "java.lang.Short";
        return c.getName();
    }

    static String rustName(Class<?> c) {
        if (c.isArray()) return "Arr" + rustName(c.getComponentType());
        if (c.isPrimitive()) {
            String n = c.getName();
            return "P" + Character.toUpperCase(n.charAt(0)) + n.substring(1);
        }
        String n = c.getName();
        StringBuilder sb = new StringBuilder();
        boolean up = true;
        for (char ch : n.toCharArray()) {
            if (ch == '.' || ch == '$' || ch == '_') { up = true; continue; }
            sb.append(up ? Character.toUpperCase(ch) : ch);
            up = false;
        }
        return sb.toString();
    }

    static void ty(Class<?> c) {
        if (TYPES.containsKey(c)) return;
        if (c.isArray()) ty(c.getComponentType());
        TYPES.put(c, rustName(c));
    }

    // ClassMap.createMethodCache, keeping the first method of each key.
    static List<Method> methodsOf(Class<?> clazz) {
        LinkedHashMap<String, Method> cache = new LinkedHashMap<>();
        for (Class<?> k = clazz; k != null; k = k.getSuperclass()) {
            if (Modifier.isPublic(k.getModifiers())) populate(cache, k);
            for (Class<?> i : k.getInterfaces()) populateIface(cache, i);
        }
        return new ArrayList<>(cache.values());
    }

    static void populateIface(LinkedHashMap<String, Method> cache, Class<?> i) {
        if (Modifier.isPublic(i.getModifiers())) populate(cache, i);
        for (Class<?> s : i.getInterfaces()) populateIface(cache, s);
    }

    static void populate(LinkedHashMap<String, Method> cache, Class<?> k) {
        for (Method m : k.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) continue;
            StringBuilder key = new StringBuilder(m.getName());
            for (Class<?> p : m.getParameterTypes()) key.append(wrapperName(p));
            cache.putIfAbsent(key.toString(), m);
        }
    }

    static String sig(Method m) {
        StringBuilder sb = new StringBuilder(m.getName()).append('(');
        Class<?>[] ps = m.getParameterTypes();
        for (int i = 0; i < ps.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(ps[i].getSimpleName());
        }
        return sb.append(')').toString();
    }

    public static void main(String[] args) {
        Object[][] recv = receivers();
        StringBuilder tables = new StringBuilder();
        for (Class<?> c : new Class<?>[] {boolean.class, byte.class, char.class, short.class, int.class, long.class, float.class, double.class}) ty(c);
        for (Object[] r : recv) ty((Class<?>) r[1]);
        for (Class<?> c : extraActuals()) ty(c);
        for (Class<?> c : new Class<?>[] {Byte.class, Short.class, CharSequence.class, Number.class, Comparable.class, Iterable.class, java.util.Collection.class, List.class, Map.class, Map.Entry.class, Set.class}) ty(c);
        int nActual = TYPES.size();
        for (Object[] r : recv) {
            String name = (String) r[0];
            Class<?> c = (Class<?>) r[1];
            List<Method> ms = methodsOf(c);
            TreeMap<String, List<Method>> byName = new TreeMap<>();
            for (Method m : ms) byName.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
            tables.append("\n/// `").append(c.getName()).append("`: ").append(ms.size()).append(" methods.\n");
            tables.append("pub static ").append(name).append(": &[(&str, &[JMethod])] = &[\n");
            for (Map.Entry<String, List<Method>> en : byName.entrySet()) {
                tables.append("    (\"").append(en.getKey()).append("\", &[\n");
                for (Method m : en.getValue()) {
                    for (Class<?> p : m.getParameterTypes()) ty(p);
                    ty(m.getReturnType());
                    tables.append("        JMethod { sig: \"").append(sig(m)).append("\", params: &[");
                    Class<?>[] ps = m.getParameterTypes();
                    for (int i = 0; i < ps.length; i++) {
                        if (i > 0) tables.append(", ");
                        tables.append("Ty::").append(TYPES.get(ps[i]));
                    }
                    tables.append("], ret: Ty::").append(TYPES.get(m.getReturnType()));
                    tables.append(", is_static: ").append(Modifier.isStatic(m.getModifiers())).append(" },\n");
                }
                tables.append("    ]),\n");
            }
            tables.append("];\n");
        }
        ty(void.class);
        StringBuilder out = new StringBuilder();
        out.append("// @generated by src/java/gen/GenMethods.java from OpenJDK ")
           .append(System.getProperty("java.version")).append(", json-smart 2.2 and Velocity 1.7. Do not edit.\n");
        out.append("//! The public methods Velocity 1.7's introspector finds on each class a\n");
        out.append("//! template value can be, grouped by name (overloads in discovery order),\n");
        out.append("//! and the Java types of their parameters.\n\n");
        out.append("/// A public method: its signature (for dispatch), parameter and return types.\n");
        out.append("#[derive(Debug)]\npub struct JMethod {\n    pub sig: &'static str,\n    pub params: &'static [Ty],\n    pub ret: Ty,\n    pub is_static: bool,\n}\n\n");
        out.append("/// The Java types that occur as parameter, return or argument types.\n");
        out.append("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Ty {\n");
        List<Class<?>> all = new ArrayList<>(TYPES.keySet());
        for (Class<?> c : all) out.append("    ").append(TYPES.get(c)).append(",\n");
        out.append("}\n\nimpl Ty {\n");
        out.append("    /// `Class.getName()`.\n    pub fn name(self) -> &'static str {\n        match self {\n");
        for (Class<?> c : all) out.append("            Ty::").append(TYPES.get(c)).append(" => \"").append(c.getName()).append("\",\n");
        out.append("        }\n    }\n\n");
        out.append("    /// A primitive type (`int`, `boolean`, ...).\n    pub fn is_primitive(self) -> bool {\n        matches!(self, ");
        boolean first = true;
        for (Class<?> c : all) if (c.isPrimitive()) { out.append(first ? "" : " | ").append("Ty::").append(TYPES.get(c)); first = false; }
        out.append(")\n    }\n\n");
        out.append("    /// The component type of an array type.\n    pub fn component(self) -> Option<Ty> {\n        match self {\n");
        for (Class<?> c : all) if (c.isArray()) out.append("            Ty::").append(TYPES.get(c)).append(" => Some(Ty::").append(TYPES.get(c.getComponentType())).append("),\n");
        out.append("            _ => None,\n        }\n    }\n\n");
        out.append("    /// `self.isAssignableFrom(actual)` for two reference types.\n    pub fn is_assignable_from(self, actual: Ty) -> bool {\n        match actual {\n");
        for (Class<?> a : all) {
            if (a.isPrimitive()) continue;
            StringBuilder sup = new StringBuilder();
            for (Class<?> f : all) {
                if (f.isPrimitive() || f == a) continue;
                if (f.isAssignableFrom(a)) sup.append(sup.length() == 0 ? "" : " | ").append("Ty::").append(TYPES.get(f));
            }
            out.append("            Ty::").append(TYPES.get(a)).append(" => self == Ty::").append(TYPES.get(a));
            if (sup.length() > 0) out.append(" || matches!(self, ").append(sup).append(")");
            out.append(",\n");
        }
        out.append("            _ => false,\n        }\n    }\n}\n");
        out.append(tables);
        System.out.print(out);
    }
}
