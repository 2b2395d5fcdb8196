//! `SOL_UDPLITE` options: UDP-Lite's partial checksum coverage.

use std::io;

use crate::socket::{Socket, SocketOption};

impl Socket {
    /// Sets `UDPLITE_SEND_CSCOV` on a UDP-Lite socket: the bytes of each
    /// datagram sent that the checksum covers, header included; 0 covers
    /// all, 1 to 7 count as 8.
    ///
    /// Calls `socket.set-option(udplite-send-coverage)`.
    pub fn set_udplite_send_cscov(&self, coverage: u16) -> io::Result<()> {
        self.set_option(SocketOption::UdpliteSendCoverage(coverage))
    }

    /// Reads `UDPLITE_SEND_CSCOV`.
    ///
    /// Calls `socket.get-option(udplite-send-coverage)`.
    pub fn udplite_send_cscov(&self) -> io::Result<u16> {
        Ok(get!(self, UdpliteSendCoverage))
    }

    /// Sets `UDPLITE_RECV_CSCOV` on a UDP-Lite socket: the least coverage
    /// accepted; once set, 0 accepts only full coverage.
    ///
    /// Calls `socket.set-option(udplite-receive-coverage)`.
    pub fn set_udplite_recv_cscov(&self, coverage: u16) -> io::Result<()> {
        self.set_option(SocketOption::UdpliteReceiveCoverage(coverage))
    }

    /// Reads `UDPLITE_RECV_CSCOV`.
    ///
    /// Calls `socket.get-option(udplite-receive-coverage)`.
    pub fn udplite_recv_cscov(&self) -> io::Result<u16> {
        Ok(get!(self, UdpliteReceiveCoverage))
    }
}
