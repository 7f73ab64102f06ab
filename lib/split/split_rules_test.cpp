#include "split/split_rules.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace tinyprep;

// Expected values below were computed once with Debian's /usr/bin/python3 (hashlib, re) from
// the published definitions, and hard-coded here:
//   tinyprep hash:  d = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
//                   bucket = int(d[:16], 16) % 100_000_000
//   TensorFlow:     hash_name = re.sub(r'_nohash_.*$', '', os.path.basename(path))
//                   h = hashlib.sha1(hash_name.encode()).hexdigest()
//                   p = (int(h, 16) % (2**27 - 1 + 1)) * (100.0 / (2**27 - 1))

TEST_CASE("split names round-trip") {
  for (Split s : kSplits) CHECK(parse_split_name(split_name(s)) == s);
  CHECK_FALSE(parse_split_name("training"));
  CHECK_FALSE(parse_split_name(""));
}

TEST_CASE("ratios parse exactly and refuse what does not sum to 100") {
  SplitRatios r = parse_split_ratios("80,10,10");
  CHECK(r.micro[0] == 80'000'000);
  CHECK(r.of(Split::kValidation) == 10'000'000);
  CHECK(r.percent_of(Split::kTest) == 10.0);
  r = parse_split_ratios("33.3, 33.3 ,33.4");
  CHECK(r.micro[0] == 33'300'000);
  CHECK(r.micro[2] == 33'400'000);
  CHECK(r.percent[1] == 33.3);
  r = parse_split_ratios("100,0,0");
  CHECK(r.micro[1] == 0);
  CHECK(parse_split_ratios("99.999999,0.000001,0").micro[1] == 1);

  auto usage = [](const char* text) {
    try {
      parse_split_ratios(text);
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::kUsage);
      return std::string(e.what());
    }
    FAIL("no error for " << text);
    return std::string();
  };
  CHECK(usage("80,10,5") == "--ratios '80,10,5': the shares sum to 95, not 100");
  CHECK(usage("90,20,-10") == "--ratios '90,20,-10': a share cannot be negative");
  CHECK(usage("80,20") ==
        "--ratios '80,20': give three shares TRAIN,VALIDATION,TEST, e.g. 80,10,10");
  CHECK(usage("80,10,10,") ==
        "--ratios '80,10,10,': give three shares TRAIN,VALIDATION,TEST, e.g. 80,10,10");
  CHECK(usage("80,ten,10") == "--ratios '80,ten,10': 'ten' is not a number");
  CHECK(usage("80,,20") == "--ratios '80,,20': '' is not a number");
  CHECK(usage("80,10,1e1") == "--ratios '80,10,1e1': '1e1' is not a number");
  CHECK(usage("80,10,9.9999999") == "--ratios '80,10,9.9999999': at most 6 decimal places");
  CHECK(usage("33.3,33.3,33.3") == "--ratios '33.3,33.3,33.3': the shares sum to 99.9, not 100");
}

TEST_CASE("hex_mod reduces a 160-bit number digit by digit") {
  // 2^27 is a power of two: the remainder is the low 27 bits of the last 7 hex digits.
  const char* h = "3b5ddddc702b2b3d25fceb63bd1c81c6fc8c025b";
  CHECK(hex_mod(h, kMaxNumWavsPerClass + 1) == (0xc8c025bULL & ((1ULL << 27) - 1)));
  CHECK(hex_mod(h, kMaxNumWavsPerClass + 1) == 76284507);
  CHECK(hex_mod("ff", 7) == 255 % 7);
  CHECK(hex_mod("FFFFFFFFFFFFFFFF", 1000) == 18446744073709551615ULL % 1000);
  // int("1" + "0" * 20, 16) % 1000003 == 554286 (Python)
  CHECK(hex_mod("100000000000000000000", 1000003) == 554286);
  CHECK(hex_mod("", 5) == 0);
  CHECK_THROWS_AS(hex_mod("12g", 5), Error);
}

TEST_CASE("hash split: bucket and assignment match the documented Python") {
  CHECK(hash_split_bucket("george", 0) == 9388677);    // 2aa805994fec5b85
  CHECK(hash_split_bucket("jackson", 0) == 46874126);  // 11f9acb5542ac00e
  CHECK(hash_split_bucket("george", 1) == 49805422);
  CHECK(hash_split_bucket("george", 42) == 85143689);
  CHECK(hash_split_bucket("", 0) == 323820);
  CHECK(hash_split_bucket("\xc3\xa9", 0) == 66390613);  // "é" as UTF-8
  CHECK(hash_split_bucket("a:b", 18446744073709551615ULL) == 40882664);

  SplitRatios r = parse_split_ratios("80,10,10");
  CHECK(hash_split("george", 0, r) == Split::kValidation);
  CHECK(hash_split("lucas", 0, r) == Split::kValidation);
  CHECK(hash_split("jackson", 0, r) == Split::kTrain);
  CHECK(hash_split("theo", 0, r) == Split::kTrain);
  CHECK(hash_split("nicolas", 0, r) == Split::kTrain);
  CHECK(hash_split("yweweler", 0, r) == Split::kTrain);
  CHECK(hash_split("yes-3f2a9c1e", 0, r) == Split::kTest);  // bucket 10723889
  CHECK(hash_split("speaker-07", 7, parse_split_ratios("70,15,15")) == Split::kTest);
  CHECK(hash_split("a:b", 18446744073709551615ULL, parse_split_ratios("33.3,33.3,33.4")) ==
        Split::kTest);
  // Boundaries: bucket 9388677 is validation iff validation share > 9.388677%.
  CHECK(hash_split("george", 0, parse_split_ratios("90.611323,9.388677,0")) == Split::kTrain);
  CHECK(hash_split("george", 0, parse_split_ratios("90.611322,9.388678,0")) == Split::kValidation);
  CHECK(hash_split("george", 0, parse_split_ratios("90.611323,0,9.388677")) == Split::kTrain);
  CHECK(hash_split("george", 0, parse_split_ratios("90.611322,0,9.388678")) == Split::kTest);
}

TEST_CASE("speech_commands: the name TensorFlow hashes") {
  CHECK(speech_commands_hash_name("0a7c2a8d_nohash_0.wav") == "0a7c2a8d");
  CHECK(speech_commands_hash_name("data/yes/0a7c2a8d_nohash_3.wav") == "0a7c2a8d");
  CHECK(speech_commands_hash_name("no_1000ms.wav") == "no_1000ms.wav");
  CHECK(speech_commands_hash_name("a_nohash_b_nohash_c.wav") == "a");
  CHECK(speech_commands_hash_name("_nohash_.wav") == "");
  CHECK(speech_commands_hash_name("x_nohash_") == "x");
  CHECK(speech_commands_hash_name("dir_nohash_1/3_theo_0.wav") == "3_theo_0.wav");
  // Python: re.sub(r'_nohash_.*$', '', s) for s with newlines ('.' stops at '\n').
  CHECK(speech_commands_hash_name("a_nohash_1\n") == "a\n");
  CHECK(speech_commands_hash_name("a_nohash_1\nb") == "a_nohash_1\nb");
  CHECK(speech_commands_hash_name("a_nohash_1\nb_nohash_2") == "a_nohash_1\nb");
}

TEST_CASE("speech_commands: percentage_hash and which_set") {
  struct Case {
    const char* path;
    double percentage;  // Python repr of percentage_hash
    Split at_10_10;     // which_set(path, 10, 10)
  };
  const Case cases[] = {
      {"0a7c2a8d_nohash_0.wav", 56.836387193474074, Split::kTrain},
      {"0a7c2a8d_nohash_1.wav", 56.836387193474074, Split::kTrain},
      {"yes/0a7c2a8d_nohash_3.wav", 56.836387193474074, Split::kTrain},
      {"bobby_nohash_0.wav", 94.1747873587518, Split::kTrain},
      {"c1d39ce8_nohash_12.wav", 39.79899540393796, Split::kTrain},
      {"no_1000ms.wav", 1.5544541295949676, Split::kValidation},
      {"a_nohash_b_nohash_c.wav", 93.2815022266023, Split::kTrain},
      {"_nohash_.wav", 98.04821758008165, Split::kTrain},
      {"x_nohash_", 4.498375985759317, Split::kValidation},
      {"\xc3\xa9_nohash_1.wav", 99.46427195865118, Split::kTrain},
      {"3_theo_0.wav", 3.9127707772908416, Split::kValidation},
      {"cfcd2084_nohash_0.wav", 5.736596180026204, Split::kValidation},
      {"6512bd43_nohash_2.wav", 3.7417486588787185, Split::kValidation},
      {"eccbc87e_nohash_0.wav", 16.243133814954263, Split::kTest},
      {"1679091c_nohash_4.wav", 15.56886520660568, Split::kTest},
      {"aab32389_nohash_0.wav", 10.845146409013468, Split::kTest},
      {"c4ca4238_nohash_0.wav", 61.680979741223005, Split::kTrain},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    CHECK(speech_commands_percentage(c.path) == c.percentage);  // exact: same IEEE doubles
    CHECK(speech_commands_split(c.path, 10, 10) == c.at_10_10);
  }
  // The comparisons are strict: p < validation, then p < testing + validation.
  CHECK(speech_commands_split("aab32389_nohash_0.wav", 10.845146409013468, 0) == Split::kTrain);
  CHECK(speech_commands_split("aab32389_nohash_0.wav", 10.845146409013468, 0.0000001) ==
        Split::kTest);
  CHECK(speech_commands_split("aab32389_nohash_0.wav", 0, 10.845146409013468) == Split::kTrain);
  // 10.84514640901347 is math.nextafter(10.845146409013468, 100).
  CHECK(speech_commands_split("aab32389_nohash_0.wav", 10.84514640901347, 0) == Split::kValidation);
}
