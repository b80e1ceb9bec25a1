package io.scopegate.admin.input;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every string in a JSON body is checked for {@link ControlCharacters} as it is read: the request is
 * refused with 400 naming the field (through the usual Jackson error path) before anything is stored.
 * Spring Boot adds this module to the application's JSON mapper.
 */
@Component
public class PrintableStrings extends SimpleModule {

    public PrintableStrings() {
        super("scopegate-printable-strings");
        addDeserializer(String.class, new Checked());
    }

    static final class Checked extends StringDeserializer {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            String value = super.deserialize(parser, context);
            if (value != null && ControlCharacters.present(value)) {
                throw InvalidFormatException.from(parser, ControlCharacters.MESSAGE, value, String.class);
            }
            return value;
        }
    }
}
