"""Regenerate docs/conformance.md from the WIT, the guest crate and the tests:
`python3 tools/conformance.py > docs/conformance.md` (CPython 3.11 on Linux)."""
import re, socket, os, glob, collections
root=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
def read(p): return open(os.path.join(root,p)).read()

# ---------- option C name -> WIT case ----------
wit=read('wit/socket.wit')
variant=wit[wit.index('variant socket-option {'):]
variant=variant[:variant.index('\n    }\n')]
opt_case={}
doc=[]
for line in variant.splitlines()[1:]:
    s=line.strip()
    if s.startswith('///'):
        doc.append(s[3:].strip()); continue
    m=re.match(r'([a-z0-9-]+)\(', s)
    if m:
        text=' '.join(doc)
        for c in re.findall(r'`([A-Z][A-Z0-9_]+)`', text):
            if re.match(r'(SO|TCP|IP|IPV6|UDPLITE)_', c) and c not in opt_case:
                opt_case[c]=m.group(1)
        doc=[]
# ---------- WIT case -> guest methods ----------
case_methods=collections.defaultdict(set)
gopt=''.join(open(f).read() for f in glob.glob(os.path.join(root,'guest/src/socket/options*.rs'))+glob.glob(os.path.join(root,'guest/src/socket/options/*.rs')))
for m in re.finditer(r'Calls `socket\.(?:set|get)-option\(([a-z0-9-]+)\)`[^\n]*\n(?:\s*///[^\n]*\n)*\s*pub fn ([a-z0-9_]+)', gopt):
    case_methods[m.group(1)].add(m.group(2))
# ---------- test programs -> which methods / cases they use ----------
programs={}
for p in glob.glob(os.path.join(root,'tests/programs/src/bin/*.rs')):
    programs[os.path.basename(p)[:-3]]=open(p).read()
e2e_files={}
for p in glob.glob(os.path.join(root,'tests/e2e/tests/e2e/*.rs')):
    e2e_files[os.path.basename(p)[:-3]]=open(p).read()
def e2e_ref(fn):
    for mod,src in e2e_files.items():
        if re.search(r'\bfn\s+%s\s*\('%fn, src):
            return f'e2e/{mod}::{fn}'
    return None
def pascal(case): return ''.join(w.capitalize() for w in case.split('-'))

OUT=[]
def row(name, kind, status, item, evidence):
    OUT.append(f"| `{name}` | {kind} | {status} | {item} | {evidence} |")
def tests(*refs): return ', '.join(f'`{r}`' for r in refs)

OUT_OF_SCOPE_FAMILIES='family out of scope by nature (not reachable or meaningful from a sandbox); socket creation accepts only unix, inet and inet6'
py=sorted(n for n in dir(socket) if not n.startswith('_'))
methods=sorted(n for n in dir(socket.socket) if not n.startswith('_'))

# ---------- which e2e tests run a program ----------
def split_fns(src):
    out={}
    for m in re.finditer(r'\n(?:#\[[^\n]*\]\n)*(?:pub(?:\([a-z]+\))? )?(?:async )?fn ([a-z0-9_]+)\s*\(', src):
        start=m.end()
        nxt=re.search(r'\n(?:#\[[^\n]*\]\n)*(?:pub(?:\([a-z]+\))? )?(?:async )?fn [a-z0-9_]+\s*\(', src[start:])
        out[m.group(1)]=src[start:start+nxt.start()] if nxt else src[start:]
    return out
runs=collections.defaultdict(list)
for mod,src in e2e_files.items():
    for fn,body in split_fns(src).items():
        for const in re.findall(r'programs::([A-Z0-9_]+)', body):
            runs[const.lower()].append(f'e2e/{mod}::{fn}')
cli_src=read('host/tests/cli.rs')
for fn,body in split_fns(cli_src).items():
    for const in re.findall(r'programs::([A-Z0-9_]+)', body):
        runs[const.lower()].append(f'cli::{fn}')
examples={}
for p in glob.glob(os.path.join(root,'examples/src/bin/*.rs')):
    examples[os.path.basename(p)[:-3]]=open(p).read()
sources=dict(programs); sources.update(examples)
def users(pattern, limit=3):
    refs=[]
    for name,src in sorted(sources.items()):
        if re.search(pattern, src):
            for r in runs.get(name,[]):
                if r not in refs: refs.append(r)
    return refs[:limit]
doc_tests={}
for line in open(os.path.join(root,'docs/options.md')):
    m=re.match(r'\| `([A-Z][A-Z0-9_]+)` \|', line)
    if m:
        last=line.strip().strip('|').split('|')[-1]
        doc_tests[m.group(1)]=re.findall(r'`([a-z0-9_]+)`', last)
def option_tests(case):
    pats=[r'\.%s\('%m for m in sorted(case_methods.get(case,()))]+[r'(SocketOption|OptionName)::%s\b'%pascal(case)]
    refs=[]
    for name,src in sorted(programs.items()):
        if any(re.search(p,src) for p in pats):
            for r in runs.get(name,[]):
                if r not in refs: refs.append(r)
    return refs[:3]

IMPL='implemented'; OUT_='out of scope'; GUEST='guest side'
def need(refs, what):
    if not refs: raise SystemExit(f'no test found for {what}')
    return tests(*refs)
FIXED={
 'socket': ('class', IMPL, '`socket.create-socket`, `resource socket`', ['e2e/programs::tcp_local','e2e/messages::socket_protocol']),
 'socketpair': ('function', IMPL, '`socket.socketpair`', ['e2e/messages::socket_pair_dup','e2e/echo::socketpair_example']),
 'create_connection': ('function', GUEST, '`TcpStream::connect` (resolve, then `connect` each address)', ['e2e/echo::easy_client_names_its_socket']),
 'create_server': ('function', GUEST, '`TcpListener::bind` (`create-socket`, `SO_REUSEADDR`, `bind`, `listen`)', ['e2e/programs::tcp_local']),
 'has_dualstack_ipv6': ('function', GUEST, '`ipv6-only` option settable', ['e2e/transport::udp_ipv6']),
 'has_ipv6': ('constant', IMPL, 'family `inet6`', ['e2e/transport::udp_ipv6']),
 'fromfd': ('function', IMPL, '`socket.take-inherited-sockets`, `socket.dup` (handles stand in for descriptors)', ['e2e/messages::socket_pass','e2e/messages::socket_receive_rights']),
 'dup': ('function', IMPL, '`socket.dup`', ['e2e/messages::socket_pair_dup']),
 'close': ('function', IMPL, '`socket.close`', ['e2e/messages::socket_pair_dup']),
 'getaddrinfo': ('function', IMPL, '`resolver.get-address-info`', ['e2e/echo::getaddrinfo_lists_localhost','e2e/names::getaddrinfo_extra_args_matches_native']),
 'getnameinfo': ('function', IMPL, '`resolver.get-name-info`', ['e2e/names::resolve_name_info']),
 'gethostbyname': ('function', IMPL, '`resolver.get-address-info` (IPv4)', ['e2e/names::gethostbyname_matches_native']),
 'gethostbyname_ex': ('function', IMPL, '`resolver.get-host-by-name`', ['e2e/names::gethostbyname_ex_matches_native']),
 'gethostbyaddr': ('function', IMPL, '`resolver.get-host-by-address`', ['e2e/names::gethostbyaddr_matches_native']),
 'gethostname': ('function', IMPL, '`resolver.get-host-name` (the name the policy grants)', ['e2e/names::gethostname_shows_the_name_the_policy_gives']),
 'getfqdn': ('function', GUEST, '`get-host-by-address` of the name, as CPython does', ['e2e/names::getfqdn_matches_native']),
 'getservbyname': ('function', IMPL, '`resolver.get-service-by-name`', ['e2e/names::getservbyname_matches_native']),
 'getservbyport': ('function', IMPL, '`resolver.get-service-by-port`', ['e2e/names::getservbyport_matches_native']),
 'getprotobyname': ('function', IMPL, '`resolver.get-protocol-by-name`', ['e2e/names::getprotobyname_matches_native']),
 'if_nameindex': ('function', IMPL, '`resolver.interface-name-index`', ['e2e/names::resolve_interfaces']),
 'if_nametoindex': ('function', IMPL, '`resolver.interface-name-to-index`', ['e2e/names::resolve_interfaces']),
 'if_indextoname': ('function', IMPL, '`resolver.interface-index-to-name`', ['e2e/names::resolve_interfaces']),
 'inet_aton': ('function', GUEST, '`wasock::inet::inet_aton` (no host call)', ['e2e/names::address_packing_matches_native']),
 'inet_ntoa': ('function', GUEST, '`wasock::inet::inet_ntoa`', ['e2e/names::address_packing_matches_native']),
 'inet_pton': ('function', GUEST, '`wasock::inet::inet_pton`', ['e2e/names::address_packing_matches_native']),
 'inet_ntop': ('function', GUEST, '`wasock::inet::inet_ntop`', ['e2e/names::address_packing_matches_native']),
 'send_fds': ('function', IMPL, '`socket.send-msg` with `rights`', ['e2e/messages::socket_msg','e2e/messages::socket_pass']),
 'recv_fds': ('function', IMPL, '`socket.recv-msg`, `incoming-ancillary.rights`', ['e2e/messages::socket_msg','e2e/messages::socket_receive_rights']),
 'CMSG_LEN': ('function', GUEST, '`wasock::socket::cmsg_len`', ['e2e/messages::socket_pair_dup']),
 'CMSG_SPACE': ('function', GUEST, '`wasock::socket::cmsg_space` (sizes `recv-msg`\'s `max-ancillary`)', ['e2e/messages::socket_pair_dup']),
 'getdefaulttimeout': ('function', GUEST, 'a library default applied with `set-timeout` on creation', ['e2e/programs::timeout_modes']),
 'setdefaulttimeout': ('function', GUEST, 'a library default applied with `set-timeout` on creation', ['e2e/programs::timeout_modes']),
 'error': ('exception', IMPL, '`types.error` (one `error-code` per errno)', ['e2e/policy::policy_denied','e2e/echo::unix_client_reports_a_missing_socket']),
 'herror': ('exception', IMPL, '`resolver.host-error` (h_errno)', ['e2e/names::gethostbyaddr_matches_native']),
 'gaierror': ('exception', IMPL, '`resolver.resolve-error` (EAI_*)', ['e2e/names::gethostbyname_matches_native']),
 'timeout': ('exception', IMPL, '`error-code.timed-out` from the socket\'s timeout', ['e2e/programs::timeout_modes']),
 'SOMAXCONN': ('constant', IMPL, '`listen` backlog', ['e2e/programs::tcp_behaviour']),
 'EAGAIN': ('constant', IMPL, '`error-code.would-block`', ['e2e/programs::timeout_modes']),
 'EWOULDBLOCK': ('constant', IMPL, '`error-code.would-block`', ['e2e/programs::timeout_modes']),
 'EBADF': ('constant', IMPL, '`error-code.bad-descriptor`', ['e2e/messages::socket_pair_dup']),
 'AF_INET': ('constant', IMPL, '`address-family.inet`', ['e2e/echo::tcp_guest_server_native_client']),
 'AF_INET6': ('constant', IMPL, '`address-family.inet6`', ['e2e/transport::udp_ipv6']),
 'AF_UNIX': ('constant', IMPL, '`address-family.unix` (paths, abstract, unnamed)', ['e2e/echo::unix_guest_server_native_client','e2e/policy::unix_abstract']),
 'AF_UNSPEC': ('constant', IMPL, '`get-address-info` with no family', ['e2e/echo::getaddrinfo_lists_localhost']),
 'SOCK_STREAM': ('constant', IMPL, '`socket-type.stream`', ['e2e/programs::tcp_local']),
 'SOCK_DGRAM': ('constant', IMPL, '`socket-type.dgram`', ['e2e/echo::udp_guest_server_native_client']),
 'SOCK_SEQPACKET': ('constant', IMPL, '`socket-type.seqpacket`', ['e2e/messages::socket_pair_dup']),
 'SOCK_RAW': ('constant', IMPL, '`socket-type.raw` (with `--allow-raw`)', ['e2e/messages::socket_raw_icmp']),
 'SOCK_NONBLOCK': ('constant', GUEST, '`set-timeout(some(0))` at creation', ['e2e/programs::timeout_modes']),
 'SOCK_CLOEXEC': ('constant', IMPL, 'always in effect on the host (guests cannot exec)', ['e2e/messages::socket_receive_rights']),
 'SHUT_RD': ('constant', IMPL, '`shutdown-how.read`', ['e2e/programs::tcp_behaviour']),
 'SHUT_WR': ('constant', IMPL, '`shutdown-how.write`', ['e2e/programs::tcp_behaviour']),
 'SHUT_RDWR': ('constant', IMPL, '`shutdown-how.both`', ['e2e/programs::tcp_behaviour']),
 'SCM_RIGHTS': ('constant', IMPL, '`outgoing-ancillary.rights`, `incoming-ancillary.rights`', ['e2e/messages::socket_msg','e2e/messages::socket_receive_rights']),
 'SCM_CREDENTIALS': ('constant', IMPL, '`outgoing-ancillary.credentials`, `incoming-ancillary.credentials`', ['e2e/messages::socket_ancillary']),
 'MSG_NOSIGNAL': ('constant', IMPL, 'always in effect: writes to a closed peer fail with `broken-pipe`', ['e2e/programs::tcp_behaviour']),
 'MSG_CMSG_CLOEXEC': ('constant', IMPL, 'always in effect on received descriptors', ['e2e/messages::socket_receive_rights']),
 'SOL_SOCKET': ('constant', IMPL, 'level of the typed `SO_*` options', ['e2e/programs::options_roundtrip']),
 'SOL_IP': ('constant', IMPL, 'level of the typed `IP_*` options', ['e2e/programs::options_ip']),
 'SOL_TCP': ('constant', IMPL, 'level of the typed `TCP_*` options', ['e2e/programs::options_tcp']),
 'SOL_UDP': ('constant', IMPL, 'level of UDP options (the UDP-Lite ones are typed)', ['e2e/programs::options_udplite']),
 'INADDR_ANY': ('constant', GUEST, '`Ipv4Addr::UNSPECIFIED`', ['e2e/names::inaddr_any_server_native_client']),
 'INADDR_LOOPBACK': ('constant', GUEST, '`Ipv4Addr::LOCALHOST`', ['e2e/programs::tcp_local']),
 'INADDR_BROADCAST': ('constant', GUEST, '`Ipv4Addr::BROADCAST` (sending needs the broadcast option)', ['e2e/programs::options_roundtrip']),
 'INADDR_ALLHOSTS_GROUP': ('constant', GUEST, 'a multicast group address', ['e2e/programs::options_multicast']),
 'INADDR_MAX_LOCAL_GROUP': ('constant', GUEST, 'a multicast group address', ['e2e/programs::options_multicast']),
 'INADDR_UNSPEC_GROUP': ('constant', GUEST, 'a multicast group address', ['e2e/programs::options_multicast']),
 'IP_DEFAULT_MULTICAST_TTL': ('constant', IMPL, 'default of `ipv4-multicast-ttl`', ['e2e/programs::options_multicast']),
 'IP_DEFAULT_MULTICAST_LOOP': ('constant', IMPL, 'default of `ipv4-multicast-loop`', ['e2e/programs::options_multicast']),
 'IPPROTO_TCP': ('constant', IMPL, '`protocol` 6', ['e2e/messages::socket_protocol']),
 'IPPROTO_UDP': ('constant', IMPL, '`protocol` 17', ['e2e/messages::socket_protocol']),
 'IPPROTO_ICMP': ('constant', IMPL, 'ICMP "ping" sockets (with `--allow-icmp`)', ['e2e/messages::socket_raw_icmp','e2e/names::getprotobyname_matches_native']),
 'IPPROTO_ICMPV6': ('constant', IMPL, 'ICMPv6 "ping" sockets (with `--allow-icmp`)', ['e2e/messages::socket_raw_icmp']),
 'IPPROTO_IP': ('constant', IMPL, 'level of the `IP_*` options', ['e2e/programs::options_ip']),
 'IPPROTO_IPV6': ('constant', IMPL, 'level of the `IPV6_*` options', ['e2e/programs::options_ipv6']),
 'IPPROTO_UDPLITE': ('constant', IMPL, '`protocol` 136 for UDP-Lite datagram sockets', ['e2e/programs::options_udplite']),
 'IPV6_PKTINFO': ('constant', IMPL, '`incoming-ancillary.ipv6-packet-info`', ['e2e/messages::socket_ancillary']),
 'IPV6_HOPLIMIT': ('constant', IMPL, '`incoming-ancillary.hop-limit` (with `ipv6-receive-hop-limit`)', ['e2e/programs::options_extra_ipv6']),
 'htonl': ('function', GUEST, '`wasock::inet::htonl` (no host call)', ['guest/inet::byte_order']),
 'htons': ('function', GUEST, '`wasock::inet::htons` (no host call)', ['guest/inet::byte_order']),
 'ntohl': ('function', GUEST, '`wasock::inet::ntohl` (no host call)', ['guest/inet::byte_order']),
 'ntohs': ('function', GUEST, '`wasock::inet::ntohs` (no host call)', ['guest/inet::byte_order']),
 'IPV6_RTHDR_TYPE_0': ('constant', GUEST, 'a routing header type for `ipv6-routing-header`; setting a routing header is refused (see options.md)', ['e2e/programs::options_extra_ipv6']),
 'IP_PKTINFO': ('constant', IMPL, '`ipv4-receive-packet-info` option, `incoming-ancillary.ipv4-packet-info`', ['e2e/messages::socket_ancillary']),
}
OUT_REASONS=[
 (r'^(AF_(PACKET|NETLINK|CAN|ALG|VSOCK|TIPC|RDS|BLUETOOTH))$', 'family out of scope by nature: link-layer, kernel-internal or host-bus sockets'),
 (r'^AF_', 'legacy or kernel-internal family with no use from a sandbox (out of scope like AF_PACKET); creating one fails with `address-family-not-supported`'),
 (r'^PF_', 'alias of an out-of-scope family'),
 (r'^(ALG|CAN|J1939|TIPC|NETLINK|PACKET|VMADDR|VM_|IOCTL_VM)', 'constant of an out-of-scope family (AF_ALG, AF_CAN, AF_TIPC, AF_NETLINK, AF_PACKET, AF_VSOCK)'),
 (r'^SOL_(ALG|CAN_BASE|CAN_RAW|RDS|TIPC)$', 'option level of an out-of-scope family'),
 (r'^(SO_J1939_|SCM_J1939_|SO_VM_SOCKETS_)', 'option of an out-of-scope family'),
 (r'^(SO_BINDTODEVICE|SO_MARK|IP_TRANSPARENT)$', 'would let a guest leave its sandbox (bind to a device, mark packets for routing, spoof addresses): absent from the WIT'),
 (r'^IPV6_NEXTHOP$', 'ancillary data for `sendmsg` that needs CAP_NET_RAW and would route packets around the policy: `send-msg` has no case for it'),
 (r'^SOCK_RDM$', 'only AF_TIPC and AF_RDS have reliable datagrams (out of scope)'),
 (r'^sethostname$', 'out of scope by nature: changes the host'),
 (r'^CAPI$', 'CPython C-API capsule, not a socket API'),
 (r'^(array|errno|io|os|selectors|sys|IntEnum|IntFlag)$', 'a module or class socket.py imports, not socket API'),
]
MODULES={'array','errno','io','os','selectors','sys'}
GUEST_ENUMS={'AddressFamily','SocketKind','SocketType','MsgFlag','AddressInfo'}

AI={'AI_PASSIVE':'PASSIVE','AI_CANONNAME':'CANONICAL_NAME','AI_NUMERICHOST':'NUMERIC_HOST','AI_NUMERICSERV':'NUMERIC_SERVICE','AI_V4MAPPED':'V4_MAPPED','AI_ALL':'ALL','AI_ADDRCONFIG':'ADDRESS_CONFIG'}
NI={'NI_NUMERICHOST':'NUMERIC_HOST','NI_NUMERICSERV':'NUMERIC_SERVICE','NI_NAMEREQD':'NAME_REQUIRED','NI_DGRAM':'DATAGRAM','NI_NOFQDN':'NO_FQDN'}
MSG={'MSG_OOB':'OUT_OF_BAND','MSG_PEEK':'PEEK','MSG_DONTROUTE':'DONT_ROUTE','MSG_TRUNC':'TRUNCATE','MSG_CTRUNC':'CONTROL_TRUNCATE','MSG_DONTWAIT':'DONT_WAIT','MSG_EOR':'END_OF_RECORD','MSG_WAITALL':'WAIT_ALL','MSG_MORE':'MORE','MSG_CONFIRM':'CONFIRM','MSG_ERRQUEUE':'ERROR_QUEUE','MSG_FASTOPEN':'FAST_OPEN'}
EAI={'EAI_BADFLAGS':'bad-flags','EAI_NONAME':'no-name','EAI_AGAIN':'again','EAI_FAIL':'fail','EAI_NODATA':'no-data','EAI_FAMILY':'family','EAI_SOCKTYPE':'socket-type','EAI_SERVICE':'service','EAI_ADDRFAMILY':'address-family','EAI_MEMORY':'memory','EAI_SYSTEM':'system'}
def wit_flag(flag): return flag.lower().replace('_','-')

def classify(name):
    if name in FIXED:
        kind,status,item,refs=FIXED[name]
        return kind,status,item,tests(*refs)
    if name in GUEST_ENUMS:
        return 'class',GUEST,'`Domain`, `Type`, `Protocol`, `MessageFlags`, `AddrInfoFlags` in the Rust crate',tests('e2e/echo::easy_client_names_its_socket')
    if name=='SocketIO':
        return 'class',GUEST,'`Read`/`Write` over `recv`/`send-all` (Python: `makefile`)',tests('e2e/programs::tcp_local')
    for pattern,reason in OUT_REASONS:
        if re.search(pattern,name):
            kind='module' if name in MODULES else 'function' if name.islower() else 'constant' if '_' in name else 'class'
            return kind,OUT_,'—',reason
    if name in AI:
        return 'constant',IMPL,f'`address-info-flags.{wit_flag(AI[name])}`',need(users(r'AddrInfoFlags::%s\b'%AI[name]),name)
    if name in NI:
        return 'constant',IMPL,f'`name-info-flags.{wit_flag(NI[name])}`',need(users(r'NameInfoFlags::%s\b'%NI[name]),name)
    if name in ('NI_MAXHOST','NI_MAXSERV'):
        return 'constant',GUEST,'buffer size of the C API; WIT strings are unbounded',tests('e2e/names::resolve_name_info')
    if name in MSG:
        return 'constant',IMPL,f'`message-flags.{wit_flag(MSG[name])}`',need(users(r'MessageFlags::%s\b'%MSG[name]),name)
    if name in EAI:
        return 'constant',IMPL,f'`resolve-error.{EAI[name]}`',tests('guest/lookup/errors::every_eai_code_matches_glibc','guest/lookup/errors::system_error_shows_through')
    if name=='EAI_OVERFLOW':
        return 'constant',GUEST,'never raised: the host sizes getnameinfo buffers, WIT strings are unbounded',tests('e2e/names::resolve_name_info')
    if name.startswith('IPPORT_'):
        return 'constant',GUEST,'a port number; privileged ports need a grant',tests('cli::allow_privileged_ports_grants_ports_below_1024','cli::unprivileged_ports_grants_ports_above_1023')
    if name=='INADDR_NONE':
        return 'constant',GUEST,'`inet_aton` reports bad input as an error instead',tests('guest/inet::aton_rejects_what_glibc_rejects')
    if name=='IP_MAX_MEMBERSHIPS':
        return 'constant',IMPL,'kernel limit on `ipv4-add-membership` (ENOBUFS beyond it)',tests('e2e/programs::options_multicast')
    if name.startswith('IPPROTO_'):
        return 'constant',IMPL,'passed as the `protocol` of `create-socket` (raw sockets need `--allow-raw`)',tests('e2e/messages::socket_protocol','e2e/messages::socket_raw_icmp')
    if name in opt_case:
        case=opt_case[name]
        refs=option_tests(case) or [r for t in doc_tests.get(name,[]) for r in [e2e_ref(t)] if r]
        return 'option',IMPL,f'`socket-option.{case}`',need(refs,name)
    return None

METHODS={
 'accept':('`socket.accept`',['e2e/echo::tcp_guest_server_native_client']),
 'bind':('`socket.bind`',['e2e/programs::tcp_local','e2e/policy::policy_unix_escape']),
 'close':('`socket.close`',['e2e/messages::socket_pair_dup']),
 'connect':('`socket.connect`',['e2e/echo::tcp_native_server_guest_client']),
 'connect_ex':('`socket.connect` in non-blocking mode, then `poll` and `pending-error`',['e2e/programs::tcp_behaviour']),
 'dup':('`socket.dup`',['e2e/messages::socket_pair_dup']),
 'family':('`socket.family`',['e2e/messages::socket_protocol']),
 'type':('`socket.type`',['e2e/messages::socket_protocol']),
 'proto':('`socket.protocol`',['e2e/messages::socket_protocol']),
 'getblocking':('`socket.timeout`',['e2e/programs::timeout_modes']),
 'gettimeout':('`socket.timeout`',['e2e/programs::timeout_modes']),
 'setblocking':('`socket.set-timeout`',['e2e/programs::timeout_modes']),
 'settimeout':('`socket.set-timeout`',['e2e/programs::timeout_modes']),
 'timeout':('`socket.timeout`',['e2e/programs::timeout_modes']),
 'getpeername':('`socket.remote-address`',['e2e/programs::tcp_local']),
 'getsockname':('`socket.local-address`',['e2e/programs::tcp_local']),
 'getsockopt':('`socket.get-option`',['e2e/programs::options_roundtrip']),
 'setsockopt':('`socket.set-option`',['e2e/programs::options_roundtrip']),
 'listen':('`socket.listen`',['e2e/programs::tcp_behaviour']),
 'recv':('`socket.recv`',['e2e/echo::tcp_native_server_guest_client']),
 'recv_into':('`socket.recv` (copied into the caller\'s buffer)',['e2e/messages::socket_msg']),
 'recvfrom':('`socket.recv-from`',['e2e/echo::udp_guest_server_native_client']),
 'recvfrom_into':('`socket.recv-from` (copied into the caller\'s buffer)',['e2e/echo::udp_native_server_guest_client']),
 'recvmsg':('`socket.recv-msg`',['e2e/messages::socket_msg','e2e/messages::socket_ancillary']),
 'recvmsg_into':('`socket.recv-msg` (scattered into the caller\'s buffers)',['e2e/messages::socket_msg']),
 'send':('`socket.send`',['e2e/programs::tcp_behaviour']),
 'sendall':('`socket.send-all`',['e2e/echo::tcp_guest_server_native_client']),
 'sendto':('`socket.send-to`',['e2e/echo::udp_native_server_guest_client']),
 'sendmsg':('`socket.send-msg`',['e2e/messages::socket_msg']),
 'shutdown':('`socket.shutdown`',['e2e/programs::tcp_behaviour']),
 'fileno':(None,'guest side: the handle stands in for the descriptor (a guest library maps it)'),
 'detach':(None,'guest side: taking the WIT handle out of the wrapper (`wit::Socket::from(Socket)`)'),
 'makefile':(None,'guest side: Python\'s buffered file over `recv`/`send-all`'),
 'get_inheritable':(None,'out of scope by nature: fork/exec-dependent; guests cannot exec, host descriptors are close-on-exec'),
 'set_inheritable':(None,'out of scope by nature: fork/exec-dependent; guests cannot exec, host descriptors are close-on-exec'),
 'sendfile':(None,'out of scope: sending host files; a guest sends what it read through WASI with `send-all`'),
 'sendmsg_afalg':(None,'out of scope: the kernel crypto API (AF_ALG) is a family out of scope by nature'),
}

header='''# Conformance: Python's `socket` module on Linux

Every public name of CPython 3.11's `socket` module on Linux (`dir(socket)`)
and every method of a socket object, with the wasock item that provides it
and the test that proves it, or the reason it is out of scope.

- **implemented**: a WIT item in `wit/`, implemented by the host.
- **guest side**: a guest library provides it on top of WIT items (for Rust,
  the `wasock` crate; no host call of its own).
- **out of scope**: the reason is given.

Tests are named `e2e/<module>::<test>` (`tests/e2e/tests/e2e/<module>.rs`),
`cli::<test>` (`host/tests/cli.rs`) or `guest/<module>::<test>` (a unit test
in `guest/src/<module>.rs`). The test `conformance_table_is_backed_by_tests`
checks that every row names a test that exists or a reason. Socket options
are listed in more detail in [options.md](options.md).

## Module

| name | kind | status | wasock | test or reason |
|---|---|---|---|---|
'''
missing=[]
for name in py:
    c=classify(name)
    if c is None: missing.append(name); continue
    row(name,*c)
module_rows=OUT[:]; OUT.clear()
for m in methods:
    item,evidence=METHODS[m]
    if item is None:
        status=OUT_ if evidence.startswith('out of scope') else GUEST
        row(m,'method',status,'—' if status==OUT_ else 'guest library',evidence)
    else:
        row(m,'method',IMPL,item,tests(*evidence))
if missing: raise SystemExit('unmapped: '+' '.join(missing))
print(header+'\n'.join(module_rows)+'\n\n## Socket objects\n\n| name | kind | status | wasock | test or reason |\n|---|---|---|---|---|\n'+'\n'.join(OUT))
