package dev.tenantry.web.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class InputProblemTest {

  enum Colour { RED, GREEN }

  record Item(String name, int count) {}

  record Order(String title, Colour colour, Boolean urgent, List<Item> items) {}

  private final JsonMapper strict = StrictJsonCodecs.strict(JsonMapper.builder().build());

  private InputProblem problem(String json) {
    Throwable error = catchThrowable(() -> strict.readValue(json, Order.class));
    assertThat(error).as("refused: " + json).isNotNull();
    return InputProblem.of(new IllegalStateException("wrapped as the framework does", error)).orElseThrow();
  }

  @Test
  void anUnknownFieldIsNamedWithItsPathAndTheKnownOnes() {
    assertThat(problem("{\"title\":\"x\",\"items\":[{\"name\":\"a\",\"count\":1},{\"nmae\":\"b\",\"count\":2}]}"))
        .isEqualTo(new InputProblem("items[1].nmae", "unknown field 'items[1].nmae'; known fields: count, name"));
  }

  @Test
  void wrongTypesAreNotCoerced() {
    assertThat(problem("{\"title\":5}")).isEqualTo(new InputProblem("title", "field 'title' must be a string"));
    assertThat(problem("{\"urgent\":\"yes\"}")).isEqualTo(new InputProblem("urgent", "field 'urgent' must be true or false"));
    assertThat(problem("{\"items\":[{\"count\":\"3\"}]}").field()).isEqualTo("items[0].count");
    assertThat(problem("{\"items\":[{\"count\":2.5}]}").field()).isEqualTo("items[0].count");
    assertThat(problem("{\"items\":[{\"count\":99999999999}]}").field()).isEqualTo("items[0].count");
    assertThat(problem("{\"colour\":1}").field()).isEqualTo("colour");
    assertThat(problem("{\"items\":[{\"name\":\"a\"}]}")).isEqualTo(new InputProblem("items[0].count",
        "field 'items[0].count' is missing or null; it must be a whole number in range"));
  }

  @Test
  void anUnknownEnumValueListsTheValues() {
    assertThat(problem("{\"colour\":\"BLUE\"}"))
        .isEqualTo(new InputProblem("colour", "'BLUE' is not one of RED, GREEN (field 'colour')"));
  }

  @Test
  void aMalformedBodyHasNoFieldButAPlace() {
    InputProblem problem = problem("{\"title\": ");
    assertThat(problem.field()).isNull();
    assertThat(problem.detail()).startsWith("malformed JSON at line 1, column ");
    assertThat(problem("{\"title\":\"x\"} {}").field()).isNull();
  }

  @Test
  void errorsThatAreNotJsonAreNotDescribed() {
    assertThat(InputProblem.of(new IllegalArgumentException("no"))).isEmpty();
  }
}
