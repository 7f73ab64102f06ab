// Serial ports on Windows through the Win32 communications API. Not built on Linux or macOS;
// kept small: open COMn raw 8N1 with DTR raised, read with a per-call timeout.
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <utility>

#include "capture/byte_source.h"
#include "core/error.h"

namespace tinyprep {
namespace {

std::string last_error_text(DWORD code) {
  char* text = nullptr;
  FormatMessageA(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string out = text ? text : "error " + std::to_string(code);
  if (text) LocalFree(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// What ReadFile/WriteFile report once a USB serial device has been unplugged.
bool device_gone(DWORD code) {
  return code == ERROR_ACCESS_DENIED || code == ERROR_BAD_COMMAND ||
         code == ERROR_DEVICE_NOT_CONNECTED || code == ERROR_OPERATION_ABORTED ||
         code == ERROR_GEN_FAILURE || code == ERROR_FILE_NOT_FOUND;
}

class Win32ByteSource : public ByteSource {
 public:
  Win32ByteSource(HANDLE handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  ~Win32ByteSource() override { close(); }

  ReadResult read(char* buffer, size_t size, int timeout_ms) override {
    if (handle_ == INVALID_HANDLE_VALUE) return {ReadStatus::kClosed, 0};
    if (timeout_ms != timeout_ms_) {
      // Return as soon as any byte arrives, or after timeout_ms with nothing.
      COMMTIMEOUTS t{};
      t.ReadIntervalTimeout = MAXDWORD;
      t.ReadTotalTimeoutMultiplier = MAXDWORD;
      t.ReadTotalTimeoutConstant = static_cast<DWORD>(timeout_ms > 0 ? timeout_ms : 1);
      t.WriteTotalTimeoutConstant = 1000;
      if (!SetCommTimeouts(handle_, &t)) return {ReadStatus::kClosed, 0};
      timeout_ms_ = timeout_ms;
    }
    DWORD got = 0;
    if (!ReadFile(handle_, buffer, static_cast<DWORD>(size), &got, nullptr)) {
      DWORD code = GetLastError();
      if (device_gone(code)) return {ReadStatus::kClosed, 0};
      throw Error(path_, 0, "cannot read: " + last_error_text(code));
    }
    if (got == 0) return {ReadStatus::kTimeout, 0};
    return {ReadStatus::kData, got};
  }

  bool write(std::string_view bytes) override {
    while (!bytes.empty()) {
      if (handle_ == INVALID_HANDLE_VALUE) return false;
      DWORD put = 0;
      if (!WriteFile(handle_, bytes.data(), static_cast<DWORD>(bytes.size()), &put, nullptr)) {
        DWORD code = GetLastError();
        if (device_gone(code)) return false;
        throw Error(path_, 0, "cannot write: " + last_error_text(code));
      }
      if (put == 0) throw Error(path_, 0, "cannot write: the device does not take data");
      bytes.remove_prefix(put);
    }
    return true;
  }

  void close() override {
    if (handle_ != INVALID_HANDLE_VALUE) CloseHandle(handle_);
    handle_ = INVALID_HANDLE_VALUE;
  }

  std::string name() const override { return "serial:" + path_; }

 private:
  HANDLE handle_;
  std::string path_;
  int timeout_ms_ = -1;
};

}  // namespace

bool is_supported_baud(int baud) {
  return baud > 0 && baud != 1200;
}

std::unique_ptr<ByteSource> open_serial_port(const std::string& path, int baud) {
  if (baud == 1200)
    throw usage_error(
        "refusing to open a port at 1200 baud: an Arduino board resets into its bootloader "
        "when its port is opened at 1200 baud");
  if (baud <= 0) throw usage_error("unsupported baud rate " + std::to_string(baud));
  // COM10 and above need the device namespace prefix; it works for COM1..COM9 too.
  std::string device = path.rfind("\\\\.\\", 0) == 0 ? path : "\\\\.\\" + path;
  HANDLE h = CreateFileA(device.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0,
                         nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD code = GetLastError();
    if (code == ERROR_ACCESS_DENIED)
      throw Error(path, 0, "port is in use by another program (a serial monitor?)");
    if (code == ERROR_FILE_NOT_FOUND)
      throw Error(path, 0, "no such port (is the board plugged in? 'tinyprep ports' lists them)");
    throw Error(path, 0, "cannot open: " + last_error_text(code));
  }
  DCB dcb{};
  dcb.DCBlength = sizeof(dcb);
  if (!GetCommState(h, &dcb)) {
    CloseHandle(h);
    throw Error(path, 0, "is not a serial port");
  }
  dcb.BaudRate = static_cast<DWORD>(baud);
  dcb.ByteSize = 8;
  dcb.Parity = NOPARITY;
  dcb.StopBits = ONESTOPBIT;
  dcb.fBinary = TRUE;
  dcb.fParity = FALSE;
  dcb.fOutxCtsFlow = FALSE;
  dcb.fOutxDsrFlow = FALSE;
  dcb.fOutX = FALSE;
  dcb.fInX = FALSE;
  dcb.fDtrControl = DTR_CONTROL_ENABLE;  // native-USB boards wait for DTR before they talk
  dcb.fRtsControl = RTS_CONTROL_ENABLE;
  if (!SetCommState(h, &dcb)) {
    DWORD code = GetLastError();
    CloseHandle(h);
    throw Error(path, 0, "cannot configure the port: " + last_error_text(code));
  }
  PurgeComm(h, PURGE_RXABORT | PURGE_TXABORT);
  return std::make_unique<Win32ByteSource>(h, path);
}

std::unique_ptr<ByteSource> open_stdin_source() {
  // Standard input on Windows: a pipe read with blocking ReadFile; the timeout is not honoured,
  // which only matters for gap detection, and capture stdin does not use gaps.
  class StdinSource : public ByteSource {
   public:
    ReadResult read(char* buffer, size_t size, int) override {
      DWORD got = 0;
      if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, static_cast<DWORD>(size), &got,
                    nullptr) ||
          got == 0)
        return {ReadStatus::kClosed, 0};
      return {ReadStatus::kData, got};
    }
    bool write(std::string_view) override { return false; }
    void close() override {}
    std::string name() const override { return "stdin"; }
  };
  return std::make_unique<StdinSource>();
}

}  // namespace tinyprep
#endif  // _WIN32
