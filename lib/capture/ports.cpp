#include "capture/ports.h"

#include <libserialport.h>

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "core/plugin.h"

namespace tinyprep {
namespace {

// libserialport (with libudev) is opened on first use (core/plugin.h): only listing ports
// needs it.
struct SerialPortLib : Library {
  SerialPortLib()
      : Library("libserialport.so.0", "serial port listing (libserialport)",
                "install libserialport0") {}
  TINYPREP_LIBRARY_FUNCTION(free_error_message, sp_free_error_message);
  TINYPREP_LIBRARY_FUNCTION(free_port_list, sp_free_port_list);
  TINYPREP_LIBRARY_FUNCTION(get_port_description, sp_get_port_description);
  TINYPREP_LIBRARY_FUNCTION(get_port_name, sp_get_port_name);
  TINYPREP_LIBRARY_FUNCTION(get_port_transport, sp_get_port_transport);
  TINYPREP_LIBRARY_FUNCTION(get_port_usb_manufacturer, sp_get_port_usb_manufacturer);
  TINYPREP_LIBRARY_FUNCTION(get_port_usb_product, sp_get_port_usb_product);
  TINYPREP_LIBRARY_FUNCTION(get_port_usb_serial, sp_get_port_usb_serial);
  TINYPREP_LIBRARY_FUNCTION(get_port_usb_vid_pid, sp_get_port_usb_vid_pid);
  TINYPREP_LIBRARY_FUNCTION(last_error_message, sp_last_error_message);
  TINYPREP_LIBRARY_FUNCTION(list_ports, sp_list_ports);
};

const SerialPortLib& sp() {
  static const SerialPortLib api;
  return api;
}

std::string text_or_empty(const char* s) {
  return s ? s : "";
}

std::string hex4(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v & 0xffff);
  return buf;
}

std::string usb_id(const PortInfo& p) {
  return p.vid >= 0 ? hex4(p.vid) + ":" + hex4(p.pid) : "";
}

std::string describe(const PortInfo& p) {
  std::string s = p.name;
  if (!p.serial.empty()) s += " (serial " + p.serial + ")";
  return s;
}

}  // namespace

bool is_nano33_ble(int vid, int pid) {
  return vid == 0x2341 && (pid == 0x805A || pid == 0x005A || pid == 0x015A || pid == 0x025A);
}

std::vector<PortInfo> list_serial_ports() {
  sp_port** list = nullptr;
  sp_return rc = sp().list_ports(&list);
  if (rc != SP_OK) {
    char* msg = sp().last_error_message();
    std::string what = "cannot list serial ports: " + text_or_empty(msg);
    sp().free_error_message(msg);
    throw Error(what);
  }
  std::vector<PortInfo> out;
  for (sp_port** p = list; p && *p; ++p) {
    PortInfo info;
    info.name = text_or_empty(sp().get_port_name(*p));
    info.description = text_or_empty(sp().get_port_description(*p));
    switch (sp().get_port_transport(*p)) {
      case SP_TRANSPORT_USB:
        info.transport = "usb";
        break;
      case SP_TRANSPORT_BLUETOOTH:
        info.transport = "bluetooth";
        break;
      default:
        info.transport = "native";
    }
    if (info.transport == "usb") {
      int vid = -1, pid = -1;
      if (sp().get_port_usb_vid_pid(*p, &vid, &pid) == SP_OK) info.vid = vid, info.pid = pid;
      info.serial = text_or_empty(sp().get_port_usb_serial(*p));
      info.manufacturer = text_or_empty(sp().get_port_usb_manufacturer(*p));
      info.product = text_or_empty(sp().get_port_usb_product(*p));
    }
    out.push_back(std::move(info));
  }
  sp().free_port_list(list);
  std::sort(out.begin(), out.end(),
            [](const PortInfo& a, const PortInfo& b) { return a.name < b.name; });
  return out;
}

std::string resolve_port(const std::string& spec, const std::vector<PortInfo>& ports) {
  if (spec != "auto") return spec;
  std::vector<const PortInfo*> boards;
  for (const auto& p : ports)
    if (is_nano33_ble(p.vid, p.pid)) boards.push_back(&p);
  if (boards.size() == 1) return boards.front()->name;
  if (boards.size() > 1) {
    std::string list;
    for (const auto* b : boards) list += (list.empty() ? "" : ", ") + describe(*b);
    throw usage_error("--port auto: several Arduino Nano 33 BLE boards are plugged in (" + list +
                      "); choose one with --port PATH");
  }
  std::string seen;
  for (const auto& p : ports) seen += (seen.empty() ? "" : ", ") + p.name;
  throw Error("--port auto: no Arduino Nano 33 BLE board found (" +
              (seen.empty() ? std::string("no serial ports at all") : "ports: " + seen) +
              "); plug it in, or name the port with --port PATH");
}

Json ports_json(const std::vector<PortInfo>& ports) {
  Json out = Json::array();
  for (const auto& p : ports) {
    Json j{{"port", p.name}, {"description", p.description}, {"transport", p.transport}};
    j["vid"] = p.vid >= 0 ? Json("0x" + hex4(p.vid)) : Json(nullptr);
    j["pid"] = p.pid >= 0 ? Json("0x" + hex4(p.pid)) : Json(nullptr);
    j["serial"] = p.serial;
    j["manufacturer"] = p.manufacturer;
    j["product"] = p.product;
    j["board"] = is_nano33_ble(p.vid, p.pid) ? Json("Arduino Nano 33 BLE") : Json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

std::string ports_table(const std::vector<PortInfo>& ports) {
  size_t w_name = 4, w_id = 6, w_serial = 6;
  for (const auto& p : ports) {
    w_name = std::max(w_name, p.name.size());
    w_id = std::max(w_id, usb_id(p).size());
    w_serial = std::max(w_serial, p.serial.size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d) {
    std::string line = a + std::string(w_name - a.size() + 2, ' ') + b +
                       std::string(w_id - b.size() + 2, ' ') + c +
                       std::string(w_serial - c.size() + 2, ' ') + d;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = row("PORT", "USB ID", "SERIAL", "DESCRIPTION");
  for (const auto& p : ports) {
    std::string desc = p.description;
    if (is_nano33_ble(p.vid, p.pid)) desc += "  [Arduino Nano 33 BLE]";
    out += row(p.name, usb_id(p), p.serial, desc);
  }
  return out;
}

}  // namespace tinyprep
