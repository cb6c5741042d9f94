package dev.jclip.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Strict reading of request bodies: every wrong shape is a 400 naming the field. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object(byte[] body) {
        if (body.length == 0) {
            throw ApiError.badRequest("empty body: expected a JSON object");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("unreadable body: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw ApiError.badRequest("expected a JSON object");
        }
        return (ObjectNode) n;
    }

    static String string(JsonNode o, String field, String dflt) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }

    static int integer(JsonNode o, String field, int dflt, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badRequest("'" + field + "' must be an integer");
        }
        int i = v.asInt();
        if (i < min || i > max) {
            throw ApiError.badRequest("'" + field + "' must be between " + min + " and " + max + ", got " + i);
        }
        return i;
    }

    static double number(JsonNode o, String field, double dflt) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw ApiError.badRequest("'" + field + "' must be a number");
        }
        return v.asDouble();
    }

    static boolean bool(JsonNode o, String field, boolean dflt) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest("'" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    /** A list of strings (absent: empty), at most {@code max}. */
    static List<String> strings(JsonNode o, String field, int max) {
        JsonNode v = o.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ApiError.badRequest("'" + field + "' must be an array of strings");
        }
        if (v.size() > max) {
            throw new ApiError(413, "'" + field + "' has " + v.size() + " entries; at most " + max + " per request");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ApiError.badRequest("'" + field + "[" + i + "]' must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** Base64 (standard alphabet, optionally as a data: URL) to bytes. */
    static byte[] base64(String s, String what) {
        String b = s.strip();
        if (b.startsWith("data:")) {
            int comma = b.indexOf(',');
            if (comma < 0 || !b.substring(0, comma).endsWith(";base64")) {
                throw ApiError.badRequest(what + ": a data URL must be base64 (data:image/...;base64,...)");
            }
            b = b.substring(comma + 1);
        }
        try {
            byte[] out = Base64.getDecoder().decode(b);
            if (out.length == 0) {
                throw ApiError.badRequest(what + ": empty image");
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(what + ": bad base64 (" + e.getMessage() + ")");
        }
    }
}
