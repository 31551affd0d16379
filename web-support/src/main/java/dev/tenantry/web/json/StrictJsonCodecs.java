package dev.tenantry.web.json;

import org.springframework.core.ResolvableType;
import org.springframework.http.codec.DecoderHttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.MimeType;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Decodes the request bodies of the platform's own types strictly: an unknown field, a value of
 * the wrong JSON type or a number out of range is refused (and {@link InputProblem} names it)
 * instead of being dropped or coerced. Other bodies (GraphQL requests, maps) keep the application's
 * mapper, and so does everything that is not an HTTP body (stored events, Kubernetes objects).
 */
public final class StrictJsonCodecs implements WebFluxConfigurer {

  /** Packages whose types are decoded strictly. */
  private static final String OWN_TYPES = "dev.tenantry.";

  private final JsonMapper strict;

  public StrictJsonCodecs(JsonMapper applicationMapper) {
    this.strict = strict(applicationMapper);
  }

  /** The application's mapper with unknown fields refused and no coercion between JSON types. */
  public static JsonMapper strict(JsonMapper mapper) {
    return mapper.rebuild()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        // "title": 5 is a client's mistake, not the string "5"
        .withCoercionConfig(LogicalType.Textual, config -> config
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Integer, config -> config
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Boolean, config -> config
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .build();
  }

  @Override
  public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
    // custom readers come before the default JSON reader; with the default config they keep spring.codec's size limit
    configurer.customCodecs().registerWithDefaultConfig(new DecoderHttpMessageReader<>(new OwnTypesDecoder(strict)));
  }

  private static final class OwnTypesDecoder extends JacksonJsonDecoder {
    OwnTypesDecoder(JsonMapper mapper) {
      super(mapper);
    }

    @Override
    public boolean canDecode(ResolvableType elementType, MimeType mimeType) {
      return elementType.toClass().getName().startsWith(OWN_TYPES) && super.canDecode(elementType, mimeType);
    }
  }
}
