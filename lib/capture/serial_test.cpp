#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "capture/byte_source.h"
#include "core/error.h"

namespace tinyprep {
namespace {

// A pseudo-terminal pair; the test plays the device on the master side.
struct Pty {
  int master = -1, slave = -1;
  std::string path;
  Pty() {
    char name[256];
    REQUIRE(openpty(&master, &slave, name, nullptr, nullptr) == 0);
    path = name;
    termios tio{};
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
  }
  ~Pty() { close_all(); }
  void close_all() {
    if (master >= 0) ::close(master);
    if (slave >= 0) ::close(slave);
    master = slave = -1;
  }
};

std::string read_all(ByteSource& s, int timeout_ms) {
  std::string out;
  char buf[64];
  for (;;) {
    ReadResult r = s.read(buf, sizeof buf, timeout_ms);
    if (r.status != ReadStatus::kData) return out;
    out.append(buf, r.size);
  }
}

}  // namespace

TEST_CASE("serial: a pseudo-terminal reads, writes, times out and hangs up") {
  Pty pty;
  auto port = open_serial_port(pty.path, 115200);
  CHECK(port->name() == "serial:" + pty.path);

  char buf[16];
  CHECK(port->read(buf, sizeof buf, 20).status == ReadStatus::kTimeout);

  REQUIRE(::write(pty.master, "aX,aY\r\n1,2\r\n", 12) == 12);
  CHECK(read_all(*port, 200) == "aX,aY\r\n1,2\r\n");  // raw: \r\n kept as sent

  REQUIRE(port->write("c"));
  char got = 0;
  REQUIRE(::read(pty.master, &got, 1) == 1);
  CHECK(got == 'c');

  pty.close_all();  // the board is unplugged
  ReadResult r{};
  for (int i = 0; i < 10 && r.status != ReadStatus::kClosed; ++i)
    r = port->read(buf, sizeof buf, 50);
  CHECK(r.status == ReadStatus::kClosed);
  CHECK(!port->write("c"));
}

TEST_CASE("serial: 1200 baud is refused (it resets an Arduino to its bootloader)") {
  Pty pty;
  try {
    open_serial_port(pty.path, 1200);
    FAIL("opened at 1200 baud");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK(std::string(e.what()).find("bootloader") != std::string::npos);
  }
  CHECK_THROWS_AS(open_serial_port(pty.path, 12345), Error);
  CHECK(is_supported_baud(115200));
  CHECK(!is_supported_baud(1200));
}

TEST_CASE("serial: what cannot be opened says why") {
  try {
    open_serial_port("/dev/tinyprep-no-such-port", 115200);
    FAIL("opened a missing port");
  } catch (const Error& e) {
    CHECK(e.path() == "/dev/tinyprep-no-such-port");
    CHECK(std::string(e.what()).find("no such port") != std::string::npos);
  }
  std::string file = (std::filesystem::temp_directory_path() / "tinyprep-serial-test.txt").string();
  std::FILE* f = std::fopen(file.c_str(), "w");
  REQUIRE(f);
  std::fclose(f);
  try {
    open_serial_port(file, 115200);
    FAIL("opened a regular file");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "is not a serial port");
  }
  std::filesystem::remove(file);
}

}  // namespace tinyprep
