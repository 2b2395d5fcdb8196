//! Ancillary data delivered by `recv-msg`: credentials, timestamps, packet
//! info, type of service / traffic class, and the IP error queue.
//! Arguments: the host process's PID, UID and GID, then `ipv6` when the
//! machine has `::1`. Run with bind and connect grants for `127.0.0.1` and
//! `::1`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasock::ErrorCode;
use wasock::poll::{Events, PollFd, poll};
use wasock::socket::{
    Ancillary, Credentials, Domain, MessageFlags, SendAncillary, SockAddr, Socket, Type,
};
use wasock_test_programs::{args, expect_code};

fn main() {
    let args = args();
    let own = Credentials {
        pid: args[0].parse().unwrap(),
        uid: args[1].parse().unwrap(),
        gid: args[2].parse().unwrap(),
    };
    credentials(own);
    timestamps_and_packet_info();
    error_queue();
    if args.get(3).map(String::as_str) == Some("ipv6") {
        ipv6_packet_info();
    }
    println!("ancillary ok");
}

fn only<T>(ancillary: &[Ancillary], pick: impl Fn(&Ancillary) -> Option<T>) -> T {
    let mut found = ancillary.iter().filter_map(pick);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("missing in {ancillary:?}"));
    assert!(found.next().is_none(), "more than one in {ancillary:?}");
    first
}

/// `SO_PASSCRED` makes the kernel attach the sender's credentials; a guest
/// may only send the host process's own.
fn credentials(own: Credentials) {
    let (sender, receiver) = Socket::pair(Domain::UNIX, Type::DGRAM, None).unwrap();
    receiver.set_passcred(true).unwrap();
    sender.send(b"who").unwrap();
    let message = receiver.recv_msg(16, 64, MessageFlags::empty()).unwrap();
    let got = only(&message.ancillary, |a| match a {
        Ancillary::Credentials(c) => Some(*c),
        _ => None,
    });
    assert_eq!((got.pid, got.uid, got.gid), (own.pid, own.uid, own.gid));

    sender
        .send_msg(
            &[b"me"],
            &[SendAncillary::Credentials(own)],
            MessageFlags::empty(),
            None,
        )
        .unwrap();
    assert_eq!(
        receiver
            .recv_msg(16, 64, MessageFlags::empty())
            .unwrap()
            .data,
        b"me"
    );
    let forged = Credentials {
        pid: 1,
        uid: 0,
        gid: 0,
    };
    expect_code(
        "forged credentials",
        sender.send_msg(
            &[b"x"],
            &[SendAncillary::Credentials(forged)],
            MessageFlags::empty(),
            None,
        ),
        ErrorCode::NotPermitted,
    );
}

fn udp_pair(family: Domain, address: &str) -> (Socket, Socket, SockAddr) {
    let bind = |s: &Socket| s.bind(&SockAddr::Inet(address.parse().unwrap())).unwrap();
    let (sender, receiver) = (
        Socket::new(family, Type::DGRAM, None).unwrap(),
        Socket::new(family, Type::DGRAM, None).unwrap(),
    );
    bind(&sender);
    bind(&receiver);
    let to = receiver.local_addr().unwrap();
    (sender, receiver, to)
}

fn timestamps_and_packet_info() {
    let (sender, receiver, to) = udp_pair(Domain::IPV4, "127.0.0.1:0");
    receiver.set_timestamp(true).unwrap();
    receiver.set_pktinfo_v4(true).unwrap();
    receiver.set_recv_tos_v4(true).unwrap();
    sender.set_tos_v4(0x10).unwrap();
    sender.send_to(b"stamped", &to).unwrap();
    let message = receiver.recv_msg(16, 256, MessageFlags::empty()).unwrap();
    assert_eq!(message.data, b"stamped");
    let stamp = only(&message.ancillary, |a| match a {
        Ancillary::Timestamp(t) => Some(*t),
        _ => None,
    });
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    assert!(
        now.abs_diff(stamp) < Duration::from_secs(60),
        "the timestamp is the time of reception: {stamp:?}"
    );
    let info = only(&message.ancillary, |a| match a {
        Ancillary::Ipv4PacketInfo(info) => Some(*info),
        _ => None,
    });
    assert_eq!(info.destination, (127, 0, 0, 1));
    assert!(info.interface_index > 0);
    let tos = only(&message.ancillary, |a| match a {
        Ancillary::TypeOfService(tos) => Some(*tos),
        _ => None,
    });
    assert_eq!(tos, 0x10);
}

/// With `IP_RECVERR`, the ICMP error for a datagram to a closed port is
/// queued and read with `MSG_ERRQUEUE`.
fn error_queue() {
    let (sender, closed, to) = udp_pair(Domain::IPV4, "127.0.0.1:0");
    drop(closed);
    sender.set_recv_err_v4(true).unwrap();
    sender.connect(&to).unwrap();
    sender.send(b"nobody").unwrap();
    let mut fds = [PollFd::new(&sender, Events::empty())];
    poll(&mut fds, Some(Duration::from_secs(10))).unwrap();
    assert!(
        fds[0].revents().contains(Events::ERROR),
        "the error is pending: {:?}",
        fds[0].revents()
    );
    let message = sender.recv_msg(64, 512, MessageFlags::ERROR_QUEUE).unwrap();
    assert!(
        message.flags.contains(MessageFlags::ERROR_QUEUE),
        "{:?}",
        message.flags
    );
    assert_eq!(message.data, b"nobody", "the offending datagram comes back");
    let (level, kind) = only(&message.ancillary, |a| match a {
        Ancillary::Other(raw) => Some((raw.level, raw.kind)),
        _ => None,
    });
    assert_eq!(
        (level, kind),
        (0, 11),
        "an IPPROTO_IP / IP_RECVERR control message"
    );
}

fn ipv6_packet_info() {
    let (sender, receiver, to) = udp_pair(Domain::IPV6, "[::1]:0");
    receiver.set_recv_pktinfo_v6(true).unwrap();
    receiver.set_recv_tclass_v6(true).unwrap();
    sender.set_tclass_v6(0x20).unwrap();
    sender.send_to(b"six", &to).unwrap();
    let message = receiver.recv_msg(16, 256, MessageFlags::empty()).unwrap();
    let info = only(&message.ancillary, |a| match a {
        Ancillary::Ipv6PacketInfo(info) => Some(*info),
        _ => None,
    });
    assert_eq!(info.destination, (0, 0, 0, 0, 0, 0, 0, 1));
    let class = only(&message.ancillary, |a| match a {
        Ancillary::TrafficClass(class) => Some(*class),
        _ => None,
    });
    assert_eq!(class, 0x20);
}
