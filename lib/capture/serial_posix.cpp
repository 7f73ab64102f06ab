// Serial ports, pseudo-terminals and stdin on POSIX (Linux, macOS) through termios and poll.
// libserialport is used only to list ports: it cannot open a pseudo-terminal, which the tests
// (and tools like socat or tio's virtual ports) rely on.
#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "capture/byte_source.h"
#include "core/error.h"

namespace tinyprep {
namespace {

struct BaudRate {
  int baud;
  speed_t speed;
};

const BaudRate kBaudRates[] = {
    {300, B300},         {600, B600},     {2400, B2400},   {4800, B4800},     {9600, B9600},
    {19200, B19200},     {38400, B38400}, {57600, B57600}, {115200, B115200}, {230400, B230400},
#ifdef B460800
    {460800, B460800},
#endif
#ifdef B921600
    {921600, B921600},
#endif
#ifdef B1000000
    {1000000, B1000000},
#endif
#ifdef B2000000
    {2000000, B2000000},
#endif
};

std::string open_error_hint(int err) {
  switch (err) {
    case ENOENT:
      return "no such port (is the board plugged in? 'tinyprep ports' lists the ports)";
    case EACCES:
    case EPERM:
#ifdef __linux__
      return "permission denied: add yourself to the 'dialout' group "
             "(sudo usermod -aG dialout $USER) and log in again";
#else
      return "permission denied";
#endif
    case EBUSY:
      return "port is busy (is the Arduino IDE's Serial Monitor or Plotter open?)";
    default:
      return std::string("cannot open: ") + std::strerror(err);
  }
}

bool device_gone(int err) {
  return err == EIO || err == ENXIO || err == ENODEV || err == EPIPE;
}

class PosixByteSource : public ByteSource {
 public:
  PosixByteSource(int fd, std::string path, std::string name, bool owns)
      : fd_(fd), path_(std::move(path)), name_(std::move(name)), owns_(owns) {}
  ~PosixByteSource() override { close(); }

  ReadResult read(char* buffer, size_t size, int timeout_ms) override {
    if (fd_ < 0) return {ReadStatus::kClosed, 0};
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) return {ReadStatus::kInterrupted, 0};
      throw Error(path_, 0, std::string("cannot wait for data: ") + std::strerror(errno));
    }
    if (ready == 0) return {ReadStatus::kTimeout, 0};
    if (p.revents & POLLNVAL) return {ReadStatus::kClosed, 0};
    // POLLHUP may come with data still queued: read until read() says the end.
    ssize_t n = ::read(fd_, buffer, size);
    if (n > 0) return {ReadStatus::kData, static_cast<size_t>(n)};
    if (n == 0) return {ReadStatus::kClosed, 0};  // end of a pipe; hang-up of a tty
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {ReadStatus::kTimeout, 0};
    if (errno == EINTR) return {ReadStatus::kInterrupted, 0};
    if (device_gone(errno)) return {ReadStatus::kClosed, 0};
    throw Error(path_, 0, std::string("cannot read: ") + std::strerror(errno));
  }

  bool write(std::string_view bytes) override {
    while (!bytes.empty()) {
      if (fd_ < 0) return false;
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n > 0) {
        bytes.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, 1000) == 0)
          throw Error(path_, 0, "cannot write: the device does not take data");
        continue;
      }
      if (n < 0 && device_gone(errno)) return false;
      throw Error(path_, 0, std::string("cannot write: ") + std::strerror(errno));
    }
    return true;
  }

  void close() override {
    if (fd_ >= 0 && owns_) ::close(fd_);
    fd_ = -1;
  }

  std::string name() const override { return name_; }

 private:
  int fd_;
  std::string path_;
  std::string name_;
  bool owns_;
};

}  // namespace

bool is_supported_baud(int baud) {
  for (const auto& b : kBaudRates)
    if (b.baud == baud) return true;
  return false;
}

std::unique_ptr<ByteSource> open_serial_port(const std::string& path, int baud) {
  if (baud == 1200)
    throw usage_error(
        "refusing to open a port at 1200 baud: an Arduino board resets into its bootloader "
        "when its port is opened at 1200 baud");
  const BaudRate* rate = nullptr;
  for (const auto& b : kBaudRates)
    if (b.baud == baud) rate = &b;
  if (!rate) throw usage_error("unsupported baud rate " + std::to_string(baud));

  // O_NONBLOCK: do not wait for a modem's carrier; reads wait in poll() instead.
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error(path, 0, open_error_hint(errno));
  auto fail = [&](const std::string& what) {
    ::close(fd);
    throw Error(path, 0, what);
  };
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) fail("is not a serial port");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK)
    fail("port is in use by another program (another capture, a serial monitor?)");
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | PARENB | CSIZE);
  tio.c_cflag |= CS8;
#ifdef CRTSCTS
  tio.c_cflag &= ~CRTSCTS;
#endif
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 1;  // with O_NONBLOCK: no data is EAGAIN, so a read of 0 means hang-up
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, rate->speed);
  ::cfsetospeed(&tio, rate->speed);
  if (::tcsetattr(fd, TCSANOW, &tio) != 0)
    fail(std::string("cannot configure the port: ") + std::strerror(errno));
  // Boards with native USB (Nano 33 BLE) start talking once DTR is raised; a pty has no modem
  // lines, so a failure here is expected and harmless.
  int lines = TIOCM_DTR | TIOCM_RTS;
  (void)::ioctl(fd, TIOCMBIS, &lines);
  return std::make_unique<PosixByteSource>(fd, path, "serial:" + path, true);
}

std::unique_ptr<ByteSource> open_stdin_source() {
  if (::isatty(STDIN_FILENO))
    throw Error("<stdin>", 0,
                "is a terminal: pipe raw PCM or CSV into it (e.g. arecord -t raw -f S16_LE -r "
                "16000 -c 1 | tinyprep capture stdin ...)");
  return std::make_unique<PosixByteSource>(STDIN_FILENO, "<stdin>", "stdin", false);
}

}  // namespace tinyprep
#endif  // _WIN32
