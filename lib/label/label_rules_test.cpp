#include "label/label_rules.h"

#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/error.h"

using namespace tinyprep;

namespace {

Sample line(const std::string& json, long number = 1) {
  Sample s;
  s.json = Json::parse(json);
  s.source = "in.jsonl";
  s.line = number;
  return s;
}

// The label after the rules, "(dropped)" when the line is dropped.
std::string run(LabelRules& rules, const std::string& json) {
  Sample s = line(json);
  if (!rules.apply(s)) return "(dropped)";
  return s.label();
}

std::string error_of(const std::function<void()>& f, ExitCode code) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == code);
    return e.located();
  }
  FAIL("no error");
  return "";
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("tinyprep-label-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("find_field and field_equals") {
  Json j = Json::parse(R"({"a":{"b":{"c":16000}},"s":"x","t":true,"n":null,"f":0.5})");
  REQUIRE(find_field(j, "a.b.c"));
  CHECK(*find_field(j, "a.b.c") == 16000);
  CHECK(find_field(j, "a.x") == nullptr);
  CHECK(find_field(j, "s.x") == nullptr);
  CHECK(field_equals(*find_field(j, "a.b.c"), "16000"));
  CHECK(field_equals(*find_field(j, "a.b.c"), "16000.0"));
  CHECK_FALSE(field_equals(*find_field(j, "a.b.c"), "16000x"));
  CHECK(field_equals(j["s"], "x"));
  CHECK(field_equals(j["t"], "true"));
  CHECK(field_equals(j["n"], "null"));
  CHECK(field_equals(j["f"], "0.5"));
  CHECK(field_equals(j["a"]["b"], R"({"c":16000})"));
}

TEST_CASE("map renames once and not transitively and lines without a label pass") {
  LabelOptions o;
  o.maps = {"yes=affirmative", "affirmative=x"};
  LabelRules rules(o);
  CHECK(run(rules, R"({"id":"1","label":"yes"})") == "affirmative");
  CHECK(run(rules, R"({"id":"2","label":"no"})") == "no");
  CHECK(run(rules, R"({"id":"3"})") == "");
  CHECK(rules.changed() == 1);
  CHECK(rules.rename("yes") == "affirmative");
}

TEST_CASE("map and map-file errors") {
  LabelOptions o;
  o.maps = {"yes"};
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage) == "--map 'yes': expected OLD=NEW");
  o.maps = {"yes=a/b"};
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage).find("--map 'yes=a/b'") !=
        std::string::npos);
  o.maps = {"yes=a", "yes=b"};
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage) ==
        "--map 'yes=b': 'yes' is mapped to 'a' (--map 'yes=a') and to 'b'");

  LabelOptions f;
  f.map_file = temp_file("map1.csv", "# digits\nzero,0\n\none;1\n");
  CHECK(error_of([&] { LabelRules r(f); }, ExitCode::kData) ==
        f.map_file + ":4: expected 'old,new', got 'one;1'");
  f.map_file = temp_file("map2.csv", "zero,0\none,1\nzero,00\n");
  CHECK(error_of([&] { LabelRules r(f); }, ExitCode::kData) ==
        f.map_file + ":3: 'zero' is mapped to '0' (" + f.map_file + ":1) and to '00'");
  f.map_file = temp_file("map3.csv", "zero,0\none,a/b\n");
  CHECK(error_of([&] { LabelRules r(f); }, ExitCode::kData).rfind(f.map_file + ":2: ", 0) == 0);
  f.map_file = temp_file("map4.csv", "zero,0\r\none,1\r\n");
  LabelRules ok(f);
  CHECK(run(ok, R"({"label":"one"})") == "1");
}

TEST_CASE("set with where on nested fields") {
  LabelOptions o;
  o.set = "noise";
  o.where = {"audio.sample_rate=8000", "source=mic"};
  LabelRules rules(o);
  CHECK(run(rules, R"({"label":"a","audio":{"sample_rate":8000},"source":"mic"})") == "noise");
  CHECK(run(rules, R"({"label":"a","audio":{"sample_rate":16000},"source":"mic"})") == "a");
  CHECK(run(rules, R"({"label":"a","source":"mic"})") == "a");
  o.set.clear();
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage) == "--where needs --set LABEL");
  o.set = "x";
  o.where = {"novalue"};
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage) ==
        "--where 'novalue': expected FIELD=VALUE");
}

TEST_CASE("unknown with wanted then keep and drop") {
  LabelOptions o;
  o.unknown = "_unknown_";
  o.wanted = {"yes", "no"};
  o.drop = {"_unknown_"};
  LabelRules rules(o);
  CHECK(run(rules, R"({"label":"yes"})") == "yes");
  CHECK(run(rules, R"({"label":"cat"})") == "(dropped)");
  CHECK(rules.rename("cat") == std::nullopt);
  CHECK(rules.dropped() == 1);

  LabelOptions k;
  k.maps = {"1=one"};
  k.keep = {"one", "two"};
  LabelRules keep(k);
  CHECK(run(keep, R"({"label":"1"})") == "one");  // --keep sees the mapped label
  CHECK(run(keep, R"({"label":"2"})") == "(dropped)");
  CHECK(run(keep, R"({"id":"x"})") == "(dropped)");

  LabelOptions bad;
  bad.unknown = "_unknown_";
  CHECK(error_of([&] { LabelRules r(bad); }, ExitCode::kUsage) ==
        "--unknown LABEL and --wanted LABEL,... go together");
}

TEST_CASE("from-path takes capture group 1 and names the line that does not match") {
  LabelOptions o;
  o.from_path = "data/([^/]+)/";
  LabelRules rules(o);
  CHECK(run(rules, R"({"label":"x","path":"data/yes/0a7c2a8d_nohash_0.wav"})") == "yes");
  Sample s = line(R"({"path":"other/yes.wav"})", 7);
  CHECK(error_of([&] { rules.apply(s); }, ExitCode::kData) ==
        "in.jsonl:7: path 'other/yes.wav' does not match --from-path 'data/([^/]+)/'");
  Sample none = line(R"({"id":"a"})", 3);
  CHECK(error_of([&] { rules.apply(none); }, ExitCode::kData) ==
        "in.jsonl:3: line has no 'path' for --from-path");
  o.from_path = "data/.*";
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage) ==
        "--from-path 'data/.*': needs a capture group, e.g. 'data/([^/]+)/'");
  o.from_path = "data/([";
  CHECK(error_of([&] { LabelRules r(o); }, ExitCode::kUsage).rfind("--from-path 'data/([': ", 0) ==
        0);
}
