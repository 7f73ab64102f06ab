#pragma once
// The contract between main and each command file: a setup function adds the command's options
// to its CLI::App and returns the function that runs it once the options are parsed.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace tinyprep {

/// Runs a parsed command; returns the exit code (errors are thrown as tinyprep::Error).
using RunFn = std::function<int()>;
/// Registers a command's options on `app`; returns its run function.
using SetupFn = RunFn (*)(CLI::App& app);

// One per tools/<command>.cpp, listed in the table in tools/main.cpp.
RunFn setup_augment(CLI::App& app);
RunFn setup_capture(CLI::App& app);
RunFn setup_crop(CLI::App& app);
RunFn setup_export(CLI::App& app);
RunFn setup_features(CLI::App& app);
RunFn setup_import(CLI::App& app);
RunFn setup_init(CLI::App& app);
RunFn setup_label(CLI::App& app);
RunFn setup_merge(CLI::App& app);
RunFn setup_plot(CLI::App& app);
RunFn setup_ports(CLI::App& app);
RunFn setup_report(CLI::App& app);
RunFn setup_segment(CLI::App& app);
RunFn setup_split(CLI::App& app);
RunFn setup_stats(CLI::App& app);
RunFn setup_validate(CLI::App& app);

}  // namespace tinyprep
