//! The calls of left-out services (`crate::left_out`) answer what the full kernel answers in an
//! image that declares no use of them, for any arguments.

use proptest::prelude::*;

use super::*;
use crate::syscall::Outcome;

/// The calls a kernel may be built without, but `set_periodic` (which any process may call).
const GATED: [Sysno; 10] = [
    Sysno::Send,
    Sysno::SendLeased,
    Sysno::LeaseInfo,
    Sysno::BorrowRead,
    Sysno::BorrowWrite,
    Sysno::Spawn,
    Sysno::Kill,
    Sysno::LogRead,
    Sysno::IrqAck,
    Sysno::Device,
];

/// An argument: a task identifier, a place in the caller's RAM, or anything.
fn arg() -> impl Strategy<Value = (u8, usize)> {
    (0u8..4, any::<usize>())
}

proptest! {
    #[test]
    fn left_out_calls_answer_as_the_full_kernel(call in 0..GATED.len(), raw in prop::array::uniform7(arg())) {
        let mut config = Config::new([1, 2, 3]);
        config.caps = [Capabilities::default(); 3];
        let mut s = sim_with(config, [idle(), idle(), idle()]);
        let ram = s.k.image.processes[0].ram;
        let args = raw.map(|(kind, v)| match kind {
            0 => s.k.task_id(v % 4 % 3).to_raw() as usize ^ (v & 0x1_0000),
            1 => ram.base + v % (ram.size + 16),
            2 => v % 64,
            _ => v,
        });
        let sysno = GATED[call];
        let full = s.k.dispatch(0, sysno as usize, args);
        let left_out = s.k.left_out(0, sysno, args);
        let (Outcome::Done(full), Outcome::Done(left_out)) = (full, left_out) else {
            panic!("{sysno:?} blocked a process without the declaration");
        };
        prop_assert_eq!(full, left_out, "{:?} with {:x?}", sysno, args);
    }
}

#[test]
fn next_period_of_a_process_that_is_not_periodic() {
    let mut s = sim([1, 2, 3], [idle(), idle(), idle()]);
    let args = [0; 7];
    let (Outcome::Done(full), Outcome::Done(left_out)) =
        (s.k.dispatch(0, Sysno::NextPeriod as usize, args), s.k.left_out(0, Sysno::NextPeriod, args))
    else {
        panic!("next_period blocked");
    };
    assert_eq!(full, left_out);
}
