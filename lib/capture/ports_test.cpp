#include "capture/ports.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/error.h"

namespace tinyprep {

namespace {
PortInfo port(const std::string& name, int vid, int pid, const std::string& serial = "") {
  PortInfo p;
  p.name = name;
  p.vid = vid;
  p.pid = pid;
  p.serial = serial;
  p.transport = vid >= 0 ? "usb" : "native";
  p.description = "desc of " + name;
  return p;
}
}  // namespace

TEST_CASE("ports: the Arduino Nano 33 BLE ids") {
  for (int pid : {0x805A, 0x005A, 0x015A, 0x025A}) CHECK(is_nano33_ble(0x2341, pid));
  CHECK(!is_nano33_ble(0x2341, 0x0043));  // an Uno
  CHECK(!is_nano33_ble(0x1a86, 0x805A));
  CHECK(!is_nano33_ble(-1, -1));
}

TEST_CASE("ports: --port auto picks the one board, refuses several, explains none") {
  std::vector<PortInfo> ports = {port("/dev/ttyS0", -1, -1), port("/dev/ttyACM0", 0x2341, 0x805A),
                                 port("/dev/ttyUSB0", 0x1a86, 0x7523)};
  CHECK(resolve_port("auto", ports) == "/dev/ttyACM0");
  CHECK(resolve_port("/dev/ttyUSB0", ports) == "/dev/ttyUSB0");

  ports.push_back(port("/dev/ttyACM1", 0x2341, 0x025A, "ABC123"));
  try {
    resolve_port("auto", ports);
    FAIL("several boards accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK(std::string(e.what()).find("/dev/ttyACM0, /dev/ttyACM1 (serial ABC123)") !=
          std::string::npos);
  }
  try {
    resolve_port("auto", {});
    FAIL("no board accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kData);
    CHECK(std::string(e.what()).find("no serial ports at all") != std::string::npos);
  }
}

TEST_CASE("ports: table and JSON") {
  std::vector<PortInfo> ports = {port("/dev/ttyACM0", 0x2341, 0x805A, "8A3F"),
                                 port("/dev/ttyS0", -1, -1)};
  std::string table = ports_table(ports);
  CHECK(table ==
        "PORT          USB ID     SERIAL  DESCRIPTION\n"
        "/dev/ttyACM0  2341:805a  8A3F    desc of /dev/ttyACM0  [Arduino Nano 33 BLE]\n"
        "/dev/ttyS0                       desc of /dev/ttyS0\n");
  Json j = ports_json(ports);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["vid"] == "0x2341");
  CHECK(j[0]["pid"] == "0x805a");
  CHECK(j[0]["board"] == "Arduino Nano 33 BLE");
  CHECK(j[1]["vid"].is_null());
  CHECK(j[1]["board"].is_null());
}

TEST_CASE("ports: every listed port is a character device, sorted, once") {
  std::vector<PortInfo> ports = list_serial_ports();
  for (size_t i = 0; i < ports.size(); ++i) {
    INFO(ports[i].name);
    CHECK(std::filesystem::is_character_file(ports[i].name));
    CHECK((ports[i].transport == "usb" || ports[i].transport == "native" ||
           ports[i].transport == "bluetooth"));
    if (i > 0) CHECK(ports[i - 1].name < ports[i].name);
  }
}

}  // namespace tinyprep
