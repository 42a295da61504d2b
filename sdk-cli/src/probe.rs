//! Debug probes through the probe-rs library: checking the chip a board names, finding the probe,
//! attaching to the chip. Used by `flash` (writing the image) and `monitor` (RTT).

use std::path::Path;

use anyhow::{bail, Context, Result};
use probe_rs::config::Registry;
use probe_rs::probe::list::{Accessibility, Lister};
use probe_rs::probe::{DebugProbeSelector, WireProtocol};
use probe_rs::{Permissions, Session};

use crate::manifest::{field_error, Board, Flash};

/// The probes this build of probe-rs drives, as said in the "no probe" message.
pub const PROBE_KINDS: &str = "CMSIS-DAP v2 (DAPLink, Raspberry Pi Debug Probe, MCU-Link), ST-LINK/V2 and V3, \
     SEGGER J-Link, FTDI-based JTAG adapters, Espressif USB-JTAG, WCH-Link";

/// Environment variable choosing one probe among several: `VID:PID` or `VID:PID:SERIAL` (hex IDs).
pub const PROBE_ENV: &str = "MOTE_PROBE";

/// The board's `[flash]` table, which must name probe-rs.
pub fn flash_table(board: &Board) -> Result<&Flash> {
    let path = board.dir.join("board.toml");
    match &board.file.flash {
        Some(f) if f.tool == "probe-rs" => Ok(f),
        Some(f) => Err(field_error(&path, "flash.tool", format!("is \"{}\"; a debug probe needs \"probe-rs\"", f.tool))),
        None => Err(field_error(&path, "flash", "has no [flash] table: this board cannot be reached through a probe")),
    }
}

/// Checks that probe-rs knows the chip the board names, before looking for a probe: a typo in
/// `board.toml` should not read as "no probe".
pub fn check_chip(board_toml: &Path, chip: &str) -> Result<()> {
    let registry = Registry::from_builtin_families();
    if registry.get_target_by_name(chip).is_ok() {
        return Ok(());
    }
    let prefix: String = chip.chars().take(5).collect();
    let mut similar = registry.search_chips(&prefix);
    similar.truncate(8);
    let hint = if similar.is_empty() { String::new() } else { format!(" (similar: {})", similar.join(", ")) };
    Err(field_error(board_toml, "flash.chip", format!("probe-rs knows no chip \"{chip}\"{hint}")))
}

/// The message when no probe is attached: what was looked for, for which chip, and what to check.
pub fn no_probe_message(board: &Board, chip: &str, inaccessible: &[String]) -> String {
    let mut msg = format!(
        "no debug probe found for board {} (chip {chip}, from {} [flash] chip); looked on USB for the probes \
         probe-rs drives: {PROBE_KINDS}",
        board.name(),
        board.dir.join("board.toml").display()
    );
    if inaccessible.is_empty() {
        msg.push_str(". Connect the board's debug USB port (on development kits, the one marked DEBUG or J-Link)");
    } else {
        msg.push_str(&format!(
            ". Found but not allowed to open: {}: install the udev rules (docs/flashing.md) or run as a user in the plugdev group",
            inaccessible.join(", ")
        ));
    }
    msg
}

/// Finds the probe (the one `MOTE_PROBE` selects when set), opens it and attaches to the board's chip.
pub fn attach(board: &Board) -> Result<Session> {
    let flash = flash_table(board)?;
    let board_toml = board.dir.join("board.toml");
    check_chip(&board_toml, &flash.chip)?;
    let selector: Option<DebugProbeSelector> = match std::env::var(PROBE_ENV) {
        Ok(s) => Some(s.parse().map_err(|e| anyhow::anyhow!("{PROBE_ENV}=\"{s}\": {e} (expected VID:PID or VID:PID:SERIAL)"))?),
        Err(_) => None,
    };
    let lister = Lister::new();
    let listed = lister.list_with_access(selector.as_ref());
    let (usable, denied): (Vec<_>, Vec<_>) = listed.into_iter().partition(|p| p.accessibility == Accessibility::Accessible);
    let Some(first) = usable.first() else {
        let denied: Vec<String> = denied.iter().map(|p| p.info.to_string()).collect();
        match &selector {
            Some(s) if denied.is_empty() => bail!("no debug probe matches {PROBE_ENV}={s}; {}", no_probe_message(board, &flash.chip, &[])),
            _ => bail!("{}", no_probe_message(board, &flash.chip, &denied)),
        }
    };
    if usable.len() > 1 {
        let all: Vec<String> = usable.iter().map(|p| p.info.to_string()).collect();
        eprintln!("several probes found ({}); using the first: set {PROBE_ENV}=VID:PID[:SERIAL] to choose", all.join("; "));
    }
    let info = &first.info;
    let mut probe = info.open().with_context(|| format!("cannot open the debug probe {info}"))?;
    // Without `flash.protocol` the probe's own default is kept (SWD on Arm probes, JTAG on ESP's).
    if let Some(name) = flash.protocol.as_deref() {
        let protocol = if name == "jtag" { WireProtocol::Jtag } else { WireProtocol::Swd };
        probe.select_protocol(protocol).with_context(|| format!("probe {info} cannot use {name} (flash.protocol in {})", board_toml.display()))?;
    }
    if let Some(khz) = flash.speed_khz {
        probe.set_speed(khz).with_context(|| format!("probe {info} cannot run at {khz} kHz (flash.speed_khz in {})", board_toml.display()))?;
    }
    probe
        .attach(flash.chip.as_str(), Permissions::default())
        .with_context(|| format!("probe {info} cannot attach to {} (is the board powered, the cable on the right port?)", flash.chip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_chips_pass_and_typos_are_named_with_the_field() {
        let toml = Path::new("bsp/x/board.toml");
        for chip in ["nRF52840_xxAA", "STM32F401RETx", "RP2040"] {
            check_chip(toml, chip).unwrap_or_else(|e| panic!("{chip}: {e}"));
        }
        let e = check_chip(toml, "nRF52841_xxAA").unwrap_err().to_string();
        assert!(e.starts_with("bsp/x/board.toml: field `flash.chip`: probe-rs knows no chip \"nRF52841_xxAA\""), "{e}");
    }
}
