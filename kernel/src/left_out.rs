//! The calls of the services a kernel was built without (see the features in `Cargo.toml`).
//!
//! `cargo mote build` leaves a service out only when no process of the image declares a use of
//! it (a `send`, `spawn`, `kill` or `log_read` capability, a `[[device]]`, a `[realtime]`
//! section), and the boot check refuses an image that declares one the kernel lacks. So each call
//! here answers exactly what the full kernel answers a process without the declaration, checks
//! in the same order included: the processes cannot tell the difference. The one exception is
//! `set_periodic`, which any process may call: without `realtime` it gets `UnknownSyscall`.

use mote_abi::{Sysno, SyscallError, ARG_COUNT, MAX_NAME_LEN};
use mote_hal::{Arch, Board};

use crate::kernel::Kernel;
use crate::lease;
use crate::syscall::{error, Outcome};
use crate::umem::UserRead;

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Answers call `sysno` of process `i`, of a service this kernel was built without.
    pub(crate) fn left_out(&mut self, i: usize, sysno: Sysno, args: [usize; ARG_COUNT]) -> Outcome {
        let answer = match sysno {
            // No process may send (`ipc::check_send`, after reading the lease table).
            Sysno::Send => self.nobody_may_send(i, args[0]),
            Sysno::SendLeased => {
                lease::read_call(&self.image.processes[i], args[2]).and_then(|_| self.nobody_may_send(i, args[0]))
            }
            // So no client awaits a reply with leases (`lease::client_of`).
            Sysno::LeaseInfo | Sysno::BorrowRead | Sysno::BorrowWrite => {
                self.resolve(args[0]).and(Err(SyscallError::WrongState))
            }
            // No process may spawn, kill or read the log (`lifecycle`, `syscall::sys_log_read`).
            Sysno::Spawn | Sysno::Kill => self.index_of(args[0]).and(Err(SyscallError::NotPermitted)),
            Sysno::LogRead => Err(SyscallError::NotPermitted),
            // No process owns a device (`notify::sys_irq_ack`, `notify::sys_device`).
            Sysno::IrqAck => Err(SyscallError::NotPermitted),
            Sysno::Device if args[1] == 0 || args[1] > MAX_NAME_LEN => Err(SyscallError::InvalidArgument),
            Sysno::Device => UserRead::new(&self.image.processes[i], args[0], args[1]).and(Err(SyscallError::NoSuchTask)),
            // No process is periodic (`periodic::sys_next_period`).
            Sysno::NextPeriod => Err(SyscallError::InvalidArgument),
            _ => Err(SyscallError::UnknownSyscall),
        };
        Outcome::Done(answer.unwrap_or_else(error))
    }

    /// What `send` answers when no process has a `send` capability: the checks of
    /// `ipc::check_send` up to the capability's.
    fn nobody_may_send(&self, i: usize, to: usize) -> Result<crate::syscall::Results, SyscallError> {
        if self.resolve(to)? == i {
            return Err(SyscallError::WrongState);
        }
        Err(SyscallError::NotPermitted)
    }
}
