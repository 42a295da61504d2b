//! Finding the serial port a board talks on: the USB serial bridge of its debug probe, or a
//! USB-to-UART adapter.

use anyhow::{bail, Result};
use serialport::{SerialPortInfo, SerialPortType};

/// A USB serial bridge we recognise: vendor ID, product ID (`None`: any of the vendor's), name.
pub struct Bridge {
    pub vid: u16,
    pub pid: Option<u16>,
    pub name: &'static str,
}

/// The bridges looked for, in order of preference: the virtual COM ports of debug probes first,
/// then plain USB-to-UART adapters (what ESP boards carry).
pub const BRIDGES: &[Bridge] = &[
    Bridge { vid: 0x1366, pid: None, name: "SEGGER J-Link (nRF DKs)" },
    Bridge { vid: 0x0d28, pid: Some(0x0204), name: "DAPLink CMSIS-DAP" },
    Bridge { vid: 0x0483, pid: Some(0x374b), name: "ST-LINK/V2-1" },
    Bridge { vid: 0x0483, pid: Some(0x374e), name: "ST-LINK/V3" },
    Bridge { vid: 0x0483, pid: Some(0x374f), name: "ST-LINK/V3" },
    Bridge { vid: 0x0483, pid: Some(0x3753), name: "ST-LINK/V3" },
    Bridge { vid: 0x0483, pid: Some(0x3754), name: "ST-LINK/V3" },
    Bridge { vid: 0x2e8a, pid: Some(0x000c), name: "Raspberry Pi Debug Probe" },
    Bridge { vid: 0x303a, pid: Some(0x1001), name: "Espressif USB-Serial-JTAG" },
    Bridge { vid: 0x10c4, pid: Some(0xea60), name: "Silicon Labs CP210x" },
    Bridge { vid: 0x1a86, pid: Some(0x7523), name: "WCH CH340" },
    Bridge { vid: 0x1a86, pid: Some(0x55d4), name: "WCH CH9102" },
    Bridge { vid: 0x0403, pid: None, name: "FTDI" },
];

impl Bridge {
    fn matches(&self, vid: u16, pid: u16) -> bool {
        self.vid == vid && self.pid.is_none_or(|p| p == pid)
    }

}

/// The bridges as the "not found" message lists them: `ST-LINK/V3 0483:374e/374f`.
fn looked_for() -> String {
    let mut out: Vec<(&str, String)> = Vec::new();
    for b in BRIDGES {
        let pid = b.pid.map_or("*".to_string(), |p| format!("{p:04x}"));
        match out.last_mut() {
            Some((name, ids)) if *name == b.name => *ids = format!("{ids}/{pid}"),
            _ => out.push((b.name, format!("{:04x}:{pid}", b.vid))),
        }
    }
    out.iter().map(|(name, ids)| format!("{name} {ids}")).collect::<Vec<_>>().join(", ")
}

/// The ports of `ports` that are known bridges, best first, with the bridge's name.
pub fn candidates(ports: &[SerialPortInfo]) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    for (rank, bridge) in BRIDGES.iter().enumerate() {
        for p in ports {
            if let SerialPortType::UsbPort(usb) = &p.port_type {
                if bridge.matches(usb.vid, usb.pid) {
                    found.push((rank, p.port_name.clone(), bridge.name));
                }
            }
        }
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    found.into_iter().map(|(_, port, name)| (port, name)).collect()
}

/// Chooses the board's serial port among `ports` (what the system lists), or explains what was
/// looked for and what is there.
pub fn choose(ports: &[SerialPortInfo]) -> Result<(String, &'static str)> {
    let found = candidates(ports);
    if let Some(first) = found.first() {
        if found.len() > 1 {
            let others: Vec<&str> = found[1..].iter().map(|(p, _)| p.as_str()).collect();
            eprintln!("[monitor] using {} ({}); also found {}: pass --port to choose", first.0, first.1, others.join(", "));
        }
        return Ok(first.clone());
    }
    let present: Vec<String> = ports
        .iter()
        .map(|p| match &p.port_type {
            SerialPortType::UsbPort(u) => format!("{} (USB {:04x}:{:04x})", p.port_name, u.vid, u.pid),
            _ => p.port_name.clone(),
        })
        .collect();
    bail!(
        "no serial port of a debug probe or USB serial bridge found; looked for USB serial ports of: {}; ports present: {}. \
         Connect the board, or name the port with --port (see docs/flashing.md)",
        looked_for(),
        if present.is_empty() { "none".to_string() } else { present.join(", ") }
    )
}

/// Lists the system's serial ports (an empty list where there are none or they cannot be listed).
pub fn system_ports() -> Vec<SerialPortInfo> {
    if !std::path::Path::new("/sys/class/tty").is_dir() && cfg!(target_os = "linux") {
        return Vec::new();
    }
    serialport::available_ports().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serialport::UsbPortInfo;

    fn usb(name: &str, vid: u16, pid: u16) -> SerialPortInfo {
        let info = UsbPortInfo { vid, pid, serial_number: None, manufacturer: None, product: None, interface: None };
        SerialPortInfo { port_name: name.into(), port_type: SerialPortType::UsbPort(info) }
    }

    fn plain(name: &str) -> SerialPortInfo {
        SerialPortInfo { port_name: name.into(), port_type: SerialPortType::Unknown }
    }

    #[test]
    fn probe_bridges_are_preferred_to_plain_adapters() {
        let ports = [usb("/dev/ttyUSB0", 0x10c4, 0xea60), plain("/dev/ttyS0"), usb("/dev/ttyACM0", 0x1366, 0x1015)];
        assert_eq!(candidates(&ports), vec![("/dev/ttyACM0".to_string(), "SEGGER J-Link (nRF DKs)"), ("/dev/ttyUSB0".to_string(), "Silicon Labs CP210x")]);
        assert_eq!(choose(&ports).unwrap().0, "/dev/ttyACM0");
    }

    #[test]
    fn no_bridge_names_what_was_looked_for_and_what_is_there() {
        let e = choose(&[plain("/dev/ttyS0"), usb("/dev/ttyACM3", 0x1234, 0x5678)]).unwrap_err().to_string();
        assert!(e.contains("ST-LINK/V2-1 0483:374b, ST-LINK/V3 0483:374e/374f/3753/3754,") && e.contains("SEGGER J-Link (nRF DKs) 1366:*"), "{e}");
        assert!(e.contains("ports present: /dev/ttyS0, /dev/ttyACM3 (USB 1234:5678)"), "{e}");
        assert!(choose(&[]).unwrap_err().to_string().contains("ports present: none"));
    }
}
