#pragma once
// Serial port listing (libserialport: USB descriptors on Linux, macOS and Windows alike) and
// the `--port auto` rule shared by `tinyprep ports` and `capture serial`.
#include <string>
#include <vector>

#include "manifest/manifest.h"

namespace tinyprep {

struct PortInfo {
  std::string name;         ///< what to open: /dev/ttyACM0, /dev/cu.usbmodem14101, COM3
  std::string description;  ///< the system's description of the port
  std::string transport;    ///< "usb", "native" or "bluetooth"
  int vid = -1;             ///< USB vendor id, -1 when not a USB port
  int pid = -1;             ///< USB product id, -1 when not a USB port
  std::string serial;       ///< USB serial number ("" when unknown)
  std::string manufacturer;
  std::string product;
};

/// True for the USB ids of an Arduino Nano 33 BLE (Sense): vendor 0x2341, products 0x805A,
/// 0x005A, 0x015A, 0x025A.
bool is_nano33_ble(int vid, int pid);

/// The serial ports the system knows, sorted by name; throws Error when listing fails.
/// A machine without ports gives an empty list.
std::vector<PortInfo> list_serial_ports();

/// `spec` itself, or for "auto" the one Arduino Nano 33 BLE among `ports`. Throws a usage
/// error listing them when there are several, and Error when there is none.
std::string resolve_port(const std::string& spec, const std::vector<PortInfo>& ports);

/// The ports as a JSON array (one object per port, USB ids as "0x2341").
Json ports_json(const std::vector<PortInfo>& ports);

/// The ports as an aligned text table with a header line; Arduino boards are marked.
std::string ports_table(const std::vector<PortInfo>& ports);

}  // namespace tinyprep
