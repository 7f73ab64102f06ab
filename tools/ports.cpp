// tinyprep ports [--json]: serial ports with USB ids, serial numbers and descriptions;
// Arduino Nano 33 BLE boards are marked (what `capture serial --port auto` picks).
#include <cstdio>

#include "capture/ports.h"
#include "command.h"
#include "core/diag.h"

namespace tinyprep {
namespace {

int run_ports(bool json) {
  std::vector<PortInfo> ports = list_serial_ports();
  std::string text = json ? ports_json(ports).dump(2) + "\n" : ports_table(ports);
  if (!json && ports.empty()) {
    note("no serial ports found");
    return 0;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

RunFn setup_ports(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  app.add_flag("--json", *json, "print a JSON array instead of a table");
  return [json] { return run_ports(*json); };
}

}  // namespace tinyprep
