// tinyprep: one binary, one command table, one try/catch.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "core/diag.h"
#include "core/error.h"
#include "core/io.h"
#include "core/process.h"
#include "core/signals.h"
#include "core/suggest.h"

namespace tinyprep {
namespace {

struct Command {
  const char* name;
  const char* summary;
  SetupFn setup;
};

// Every command, alphabetical, one line each. `tinyprep --help` prints this table.
const Command kCommands[] = {
    {"augment", "seeded augmented copies: noise, shift, gain, speed; IMU jitter; image flips",
     setup_augment},
    {"capture", "record samples from a TinyML kit, camera, microphone or stdin", setup_capture},
    {"crop", "crop and resize images to one size: squash, fit-shortest, fit-longest", setup_crop},
    {"export", "write TFRecord shards or an HDF5 file that TensorFlow and h5py load", setup_export},
    {"features",
     "micro_speech, spectrogram, logmel, mfcc, mfe, IMU features into packed .npy parts",
     setup_features},
    {"import", "turn existing audio, image and CSV files into manifest lines", setup_import},
    {"init", "make an empty dataset folder (dataset.json, samples.jsonl, data/)", setup_init},
    {"label", "rename, set, fold into _unknown_ and filter labels", setup_label},
    {"merge", "join HDF5 parts of a sharded export, or manifests, into one", setup_merge},
    {"plot", "draw spectrograms, waveforms, images, balance, IMU axes as PNG or SVG", setup_plot},
    {"ports", "list serial ports; mark Arduino Nano 33 BLE boards", setup_ports},
    {"report", "one self-contained HTML page about a dataset, checked by validate", setup_report},
    {"segment", "cut long takes into clips: utterances, windows, labels, gestures", setup_segment},
    {"split", "assign train / validation / test splits: hashed, grouped, stratified", setup_split},
    {"stats", "count samples per label and split, durations, rates and sizes", setup_stats},
    {"validate", "check a manifest: schema, files, hashes, duplicates, format drift",
     setup_validate},
};

const char* kExitCodes =
    "Exit codes:\n"
    "  0    success\n"
    "  1    bad data or an I/O error (the message names the file and line)\n"
    "  2    usage error (unknown command or option, option values that make no sense)\n"
    "  130  interrupted (Ctrl-C); finished outputs are kept, unfinished ones removed\n";

void print_help(FILE* out) {
  std::fprintf(out,
               "tinyprep %s: turn raw sensor recordings into training-ready TinyML datasets\n\n"
               "Usage: tinyprep <command> [options] [args]\n"
               "       tinyprep <command> --help\n\n"
               "Commands:\n",
               tinyprep_version());
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nManifests are JSON Lines, one sample per line; \"-\" reads stdin or writes "
               "stdout.\n\n%s",
               kExitCodes);
}

const Command* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

int unknown_command(std::string_view name) {
  std::fprintf(stderr, "tinyprep: '%.*s' is not a command.", static_cast<int>(name.size()),
               name.data());
  std::vector<std::string> names;
  for (const auto& c : kCommands) names.push_back(c.name);
  if (auto best = closest_name(name, names))
    std::fprintf(stderr, " Did you mean '%s'?", best->c_str());
  std::fprintf(stderr, " See 'tinyprep --help'.\n");
  return static_cast<int>(ExitCode::kUsage);
}

int run(int argc, char** argv) {
  set_command_args(argc, argv);
  if (argc < 2) {
    print_help(stderr);
    return static_cast<int>(ExitCode::kUsage);
  }
  std::string_view first = argv[1];
  if (first == "--help" || first == "-h") {
    print_help(stdout);
    return 0;
  }
  if (first == "--version" || first == "-V" || first == "version") {
    std::printf("tinyprep %s\n", tinyprep_version());
    return 0;
  }
  std::vector<char*> args(argv + 1, argv + argc);
  if (first == "help") {
    if (argc < 3) {
      print_help(stdout);
      return 0;
    }
    args = {argv[2], const_cast<char*>("--help")};
  }
  const Command* command = find_command(args[0]);
  if (!command) return unknown_command(args[0]);

  std::string program = std::string("tinyprep ") + command->name;
  set_diag_program(program);
  CLI::App app(command->summary, program);
  app.footer(kExitCodes);
  RunFn run_command = command->setup(app);
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\nSee '%s --help'.\n", program.c_str(), e.what(), program.c_str());
    return static_cast<int>(ExitCode::kUsage);
  }
  install_signal_handlers();
  try {
    int rc = run_command();
    finish_stdout();
    return rc;
  } catch (const BrokenPipe&) {
    return 0;  // the reader of our stdout went away (| head): stop quietly
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.located().c_str());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return static_cast<int>(ExitCode::kData);
  }
}

}  // namespace
}  // namespace tinyprep

int main(int argc, char** argv) {
  return tinyprep::run(argc, argv);
}
