#include "manifest/fast_json.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

using tinyprep::parse_json_fast;
using Json = nlohmann::ordered_json;

namespace {

// The fast parser may decline anything; what it accepts must be what nlohmann makes of it,
// value, number types and member order alike (dump() shows all three).
void agrees(const std::string& text) {
  Json fast;
  bool ok = parse_json_fast(text, fast);
  bool valid = true;
  Json slow;
  try {
    slow = Json::parse(text);
  } catch (const Json::exception&) {  // parse_error, or out_of_range for 1e400
    valid = false;
  }
  INFO(text);
  if (ok) {
    REQUIRE(valid);
    CHECK(fast == slow);
    CHECK(fast.dump() == slow.dump());
    CHECK(fast.type() == slow.type());
  }
}

const std::vector<std::string> kLines = {
    R"({"id":"0-george_0_0000","path":"clips/0/george_0_0000.wav","label":"0","sha256":"e85ebe4ae6ad1cde442eef403857feb62b9c215a852a5ff4b09448485a809129","audio":{"sample_rate":16000,"channels":1,"frames":16000,"duration":1.0,"format":"wav/pcm16"},"features":{"path":"feats/0-george_0_0000.npy","shape":[49,40],"dtype":"float32","config":"logmel@6e0df11d2fac"}})",
    R"({"id":"नमस्ते-1","label":"नमस्ते","split":"train","group":"ሰላም","x":-0.0,"y":-12,"z":1e-7,"w":[true,false,null,[],{}]})",
    R"(  {"a" : 1 , "b":[1, 2.5 ,-3E+2],	"c":{"d":{"e":[[[]]]}} }  )",
    R"({"a":1,"a":2,"b":3})",
    R"({"big":18446744073709551615,"neg":-9223372036854775808,"f":0.1})",
    R"({"tiny":5e-324,"huge":1.7976931348623157e308,"e":1E2,"z":0.0})",
    R"([1,2,3])",
    R"("just a string")",
    R"(42)",
    R"({})",
};

}  // namespace

TEST_CASE("the fast JSON parser reads manifest lines as nlohmann does") {
  for (const auto& line : kLines) {
    Json j;
    INFO(line);
    CHECK(parse_json_fast(line, j));
    agrees(line);
  }
}

TEST_CASE("the fast JSON parser declines what it does not handle") {
  Json j;
  for (const char* text : {R"({"a":"with \"escape\""})",
                           R"({"a":"\u00e9"})",
                           "{\"a\":\"tab\there\"}",
                           "{\"x\":-0}",
                           "[1,-0]",
                           "",
                           "   ",
                           "{",
                           "}",
                           "[1,]",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "{a:1}",
                           "01",
                           "-",
                           "1.",
                           ".5",
                           "1e",
                           "+1",
                           "tru",
                           "nulll",
                           "[1 2]",
                           "{\"a\":1}x",
                           "{\"a\":1}{}",
                           "\xef\xbb\xbf{}",
                           "{\"a\":\"\xc3\"}",
                           "{\"a\":\"\xed\xa0\x80\"}",
                           "{\"a\":\"\xc0\xaf\"}",
                           "{\"a\":\"\xf4\x90\x80\x80\"}",
                           "-18446744073709551617",
                           "1e400",
                           "// c\n{}",
                           "{\"a\":NaN}",
                           "[Infinity]",
                           "123456789012345678901234567890"}) {
    INFO(text);
    CHECK_FALSE(parse_json_fast(text, j));
    agrees(text);
  }
  std::string deep(100, '[');
  deep += std::string(100, ']');
  CHECK_FALSE(parse_json_fast(deep, j));
}

TEST_CASE("the fast JSON parser agrees with nlohmann on mutated lines") {
  // Random edits of real lines with JSON's own characters and UTF-8 bytes: whatever the fast
  // parser accepts must parse the same with nlohmann. Fixed seed: the same cases every run.
  std::mt19937 rng(20261125);
  const std::string alphabet =
      "{}[]\":,\\ \t\r\n0123456789.eE+-truefalsn\x01\xc3\xa9\xe0\xed\xf0\xff";
  long accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s = kLines[rng() % kLines.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      size_t at = rng() % s.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          s[at] = c;
          break;
        case 1:
          s.insert(s.begin() + static_cast<long>(at), c);
          break;
        default:
          s.erase(at, 1);
      }
    }
    Json j;
    accepted += parse_json_fast(s, j);
    agrees(s);
  }
  CHECK(accepted > 1000);  // the comparison was exercised, not only declined
}
