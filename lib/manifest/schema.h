#pragma once
// A JSON Schema checker for the subset our schemas/ use: type, required, properties,
// additionalProperties, items, enum, const, minimum/maximum (exclusive too), minLength,
// pattern, minItems/maxItems, anyOf/oneOf/allOf, and local $ref ("#/$defs/...").
#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

/// The schema compiled in from schemas/<name> ("sample.schema.json"); empty when unknown.
std::string_view embedded_schema(std::string_view name);

class Schema {
 public:
  explicit Schema(Json schema);
  /// Loads a compiled-in schema by file name; throws Error when there is none.
  static const Schema& builtin(std::string_view name);
  /// Every violation as "<json pointer>: what is wrong" ("/audio/sample_rate: must be >= 1").
  std::vector<std::string> check(const Json& value) const;

 private:
  void check_at(const Json& schema, const Json& value, const std::string& where,
                std::vector<std::string>& out) const;
  Json root_;
};

}  // namespace tinyprep
