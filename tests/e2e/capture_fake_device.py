#!/usr/bin/python3
"""A scripted serial device on a pseudo-terminal, for the capture tests.

usage: capture_fake_device.py LINK SCENARIO.py

Makes a pty pair (raw, like a USB CDC port), writes the port's path to LINK, waits until
LINK.go exists (the test makes it once `tinyprep capture` has the port open, so timing and
rate detection start together), then runs SCENARIO.py with these helpers:

  send(data, chunk=0, delay=0)   write bytes (str is UTF-8), optionally in chunks with pauses
  lines(rows, rate=0, eol="\\r\\n")  write text lines, `rate` lines per second (0: at once)
  pause(seconds)
  expect(data, timeout=5)        wait until the capture has written `data` (e.g. b"c")
  drain(timeout=5)               wait until the capture has read everything sent
  vanish()                       drain, then close the pty: the board was unplugged

Afterwards the device stays plugged in until it is killed, for at most LINGER seconds.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
import tty

LINGER = 20

link, scenario = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
tty.setraw(slave)
tmp = link + ".tmp"
with open(tmp, "w") as f:
    f.write(os.ttyname(slave))
os.rename(tmp, link)

deadline = time.monotonic() + 20
while not os.path.exists(link + ".go"):
    if time.monotonic() > deadline:
        sys.exit("fake device: the capture never opened the port")
    time.sleep(0.01)

received = bytearray()
gone = False


def send(data, chunk=0, delay=0.0):
    if isinstance(data, str):
        data = data.encode()
    step = chunk or len(data) or 1
    for i in range(0, len(data), step):
        os.write(master, data[i : i + step])
        if delay:
            time.sleep(delay)


def lines(rows, rate=0, eol="\r\n"):
    start = time.monotonic()
    for i, row in enumerate(rows):
        if rate:  # on an absolute schedule, so the rate holds however long a write takes
            wait = start + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        send(row + eol)


def pause(seconds):
    time.sleep(seconds)


def expect(data, timeout=5.0):
    end = time.monotonic() + timeout
    while data not in received:
        if time.monotonic() > end:
            sys.exit("fake device: the capture never sent %r" % data)
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            received.extend(os.read(master, 4096))
    i = received.index(data)
    del received[: i + len(data)]


def unread():
    buf = fcntl.ioctl(slave, termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def drain(timeout=5.0):
    end = time.monotonic() + timeout
    while unread() and time.monotonic() < end:
        time.sleep(0.01)
    time.sleep(0.1)


def vanish():
    global gone
    drain()
    os.close(master)
    os.close(slave)
    gone = True


code = open(scenario).read()
exec(compile(code, scenario, "exec"))
if not gone:
    time.sleep(LINGER)
