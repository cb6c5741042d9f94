package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tokenizer.ClipTokenizer;
import dev.jclip.tokenizer.TextTooLongException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip tokenize}: the token ids of texts, as the reference tokenizer gives them. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the CLIP BPE token ids of each text (start and end tokens included, unpadded).")
final class TokenizeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to tokenize.")
    List<String> texts;

    @Option(names = "--truncate", description = "Cut texts longer than the context length (last id becomes end-of-text).")
    boolean truncate;

    @Option(names = "--context-length", defaultValue = "77", description = "Context length (default: ${DEFAULT-VALUE}).")
    int contextLength;

    @Option(names = "--json", description = "One JSON object per line: text, ids, tokens.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClipTokenizer tok = ClipTokenizer.get();
        ObjectMapper mapper = new ObjectMapper();
        for (String text : texts) {
            int[] ids = tok.encodeWithMarkers(text);
            if (ids.length > contextLength) {
                if (!truncate) {
                    throw new TextTooLongException(text, ids.length, contextLength);
                }
                ids = Arrays.copyOf(ids, contextLength);
                ids[contextLength - 1] = ClipTokenizer.EOT;
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", text);
                o.put("ids", ids);
                o.put("tokens", ids.length);
                System.out.println(mapper.writeValueAsString(o));
            } else {
                System.out.println(mapper.writeValueAsString(ids).replace(",", ", ") + "  (" + ids.length + " tokens)");
            }
        }
        return 0;
    }
}
