//! Hostile roots: absolute links, `..`, loops, FIFOs, devices, huge files, wide directories.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::symlink;
use std::path::Path;

use super::*;

fn root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("var/lib/kubelet/pki")).unwrap();
    std::fs::write(
        dir.path().join("var/lib/kubelet/pki/client-2026.pem"),
        "pem",
    )
    .unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn absolute_links_resolve_inside_the_root() {
    let dir = root();
    let fs = HostFs::new(dir.path()).unwrap();
    symlink(
        "/var/lib/kubelet/pki/client-2026.pem",
        dir.path().join("var/lib/kubelet/pki/current.pem"),
    )
    .unwrap();
    let r = fs
        .resolve(Path::new("/var/lib/kubelet/pki/current.pem"))
        .unwrap();
    assert_eq!(
        r.host_path,
        Path::new("/var/lib/kubelet/pki/client-2026.pem")
    );
    assert_eq!(
        fs.read(Path::new("/var/lib/kubelet/pki/current.pem"))
            .unwrap()
            .bytes,
        b"pem"
    );
    // `..` stops at the root, and a link to /etc/passwd means the root's /etc/passwd.
    symlink("../../../../../../etc/passwd", dir.path().join("up")).unwrap();
    symlink("/etc/passwd", dir.path().join("abs")).unwrap();
    for link in ["/up", "/abs", "/../../etc/passwd"] {
        let err = fs.read(Path::new(link)).unwrap_err();
        assert!(err.is_not_found(), "{link}: {err}");
    }
    assert_eq!(
        fs.read(Path::new("/var/../var/./lib/kubelet/pki/client-2026.pem"))
            .unwrap()
            .bytes,
        b"pem"
    );
}

#[test]
fn dangling_links_and_loops_are_named() {
    let dir = root();
    let fs = HostFs::new(dir.path()).unwrap();
    let pki = dir.path().join("var/lib/kubelet/pki");
    symlink("gone.pem", pki.join("current.pem")).unwrap();
    let err = fs
        .read(Path::new("/var/lib/kubelet/pki/current.pem"))
        .unwrap_err();
    assert_eq!(err.reason(), "dangling symlink to gone.pem");
    symlink("b", pki.join("a")).unwrap();
    symlink("a", pki.join("b")).unwrap();
    let err = fs.read(Path::new("/var/lib/kubelet/pki/a")).unwrap_err();
    assert!(matches!(err, HostFsError::Loop { .. }), "{err}");
}

#[test]
fn loops_of_dot_links_stay_bounded() {
    let dir = root();
    let fs = HostFs::new(dir.path()).unwrap();
    let pki = dir.path().join("var/lib/kubelet/pki");
    for i in 0..20 {
        symlink(".", pki.join(format!("l{i}"))).unwrap();
    }
    let walk = fs.walk(Path::new("/var"), &|n| n.ends_with(".pem"));
    assert_eq!(
        walk.files,
        vec![Path::new("/var/lib/kubelet/pki/client-2026.pem").to_path_buf()]
    );
    // A path through 41 links is refused; through 5 it resolves.
    let deep: String = (0..41).map(|i| format!("l{}/", i % 20)).collect();
    let err = fs
        .resolve(&Path::new("/var/lib/kubelet/pki").join(&deep))
        .unwrap_err();
    assert!(matches!(err, HostFsError::Loop { .. }), "{err}");
    assert!(fs.exists(Path::new(
        "/var/lib/kubelet/pki/l1/l2/l3/l4/client-2026.pem"
    )));
}

#[test]
fn fifos_devices_and_sockets_are_never_opened() {
    let dir = root();
    let fs = HostFs::new(dir.path()).unwrap();
    let pki = dir.path().join("var/lib/kubelet/pki");
    mkfifo(&pki.join("trap.crt"));
    let err = fs
        .read(Path::new("/var/lib/kubelet/pki/trap.crt"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            HostFsError::NotRegular {
                kind: FileKind::Fifo,
                ..
            }
        ),
        "{err}"
    );
    // The outside /dev/zero is out of reach; a device inside the root is not opened.
    symlink("/dev/zero", pki.join("zero.crt")).unwrap();
    assert!(
        fs.read(Path::new("/var/lib/kubelet/pki/zero.crt"))
            .unwrap_err()
            .is_not_found()
    );
    let host = HostFs::new(Path::new("/")).unwrap();
    let err = host.read(Path::new("/dev/zero")).unwrap_err();
    assert!(
        matches!(
            err,
            HostFsError::NotRegular {
                kind: FileKind::CharDevice,
                ..
            }
        ),
        "{err}"
    );
    let listener = std::os::unix::net::UnixListener::bind(pki.join("sock.pem")).unwrap();
    let err = fs
        .read(Path::new("/var/lib/kubelet/pki/sock.pem"))
        .unwrap_err();
    assert!(matches!(
        err,
        HostFsError::NotRegular {
            kind: FileKind::Socket,
            ..
        }
    ));
    drop(listener);
    // The same protections for ordinary paths.
    assert!(read_file_capped(&pki.join("trap.crt"), 10).is_err());
    assert!(read_file_capped(Path::new("/dev/zero"), 10).is_err());
}

#[test]
fn reads_are_capped_and_tails_come_from_the_end() {
    let dir = root();
    let big = dir.path().join("big.log");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(3 * 1024 * 1024 * 1024).unwrap(); // sparse: 3 GiB of zeros
    drop(file);
    let fs = HostFs::new(dir.path()).unwrap().with_limits(Limits {
        max_file_bytes: 1024,
        ..Limits::default()
    });
    let head = fs.read(Path::new("/big.log")).unwrap();
    assert_eq!((head.bytes.len(), head.truncated), (1024, true));
    std::fs::write(&big, "line 1\nline 2\nline 3\n").unwrap();
    let small = HostFs::new(dir.path()).unwrap().with_limits(Limits {
        max_file_bytes: 7,
        ..Limits::default()
    });
    let tail = small.read_tail(Path::new("/big.log")).unwrap();
    assert_eq!(
        (tail.bytes.as_slice(), tail.truncated),
        (&b"line 3\n"[..], true)
    );
    let whole = fs.read(Path::new("/big.log")).unwrap();
    assert!(!whole.truncated);
}

#[test]
fn listings_are_bounded_and_sorted() {
    let dir = root();
    for i in 0..50 {
        std::fs::write(dir.path().join(format!("f{i:02}.crt")), "x").unwrap();
    }
    let fs = HostFs::new(dir.path()).unwrap().with_limits(Limits {
        max_dir_entries: 10,
        ..Limits::default()
    });
    let listing = fs.list_dir(Path::new("/")).unwrap();
    assert!(listing.truncated);
    assert_eq!(listing.entries.len(), 10);
    let names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(HostFs::new(&dir.path().join("f00.crt")).is_err());
}
