use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use super::*;
use crate::error::Exit;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn temps(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn write(path: &Path, inputs: &Inputs, existing: Existing, text: &str) -> Result<(), Error> {
    let mut out = Output::create(path, inputs, existing)?;
    out.write_all(text.as_bytes()).map_err(write_err)?;
    out.commit()
}

#[test]
fn a_new_file_appears_only_on_commit() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("out.json");
    let mut out = Output::create(&target, &Inputs::none(), Existing::Replace).unwrap();
    assert!(out.is_atomic() && !out.is_stdout());
    out.write_all(b"{}\n").unwrap();
    out.flush().unwrap();
    assert!(!target.exists(), "written before commit");
    assert_eq!(temps(d.path()).len(), 1, "{:?}", names(d.path()));
    out.commit().unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "{}\n");
    assert_eq!(names(d.path()), ["out.json"]);
}

#[test]
fn a_regular_file_is_replaced_by_rename_and_keeps_its_mode() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("report.xml");
    fs::write(&target, "old old old old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let old_ino = fs::metadata(&target).unwrap().ino();
    write(&target, &Inputs::none(), Existing::Replace, "new").unwrap();
    let m = fs::metadata(&target).unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    assert_eq!(m.permissions().mode() & 0o7777, 0o640);
    assert_ne!(
        m.ino(),
        old_ino,
        "replaced in place instead of renamed over"
    );
    assert_eq!(names(d.path()), ["report.xml"]);
}

#[test]
fn dropped_without_commit_leaves_the_target_and_no_temporary_file() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("out.csv");
    fs::write(&target, "before").unwrap();
    {
        let mut out = Output::create(&target, &Inputs::none(), Existing::Replace).unwrap();
        out.write_all(&[b'x'; 1 << 20]).unwrap();
    }
    assert_eq!(fs::read_to_string(&target).unwrap(), "before");
    assert_eq!(names(d.path()), ["out.csv"]);
    // A new file that is never committed does not appear at all.
    let fresh = d.path().join("fresh.csv");
    drop(Output::create(&fresh, &Inputs::none(), Existing::Replace).unwrap());
    assert_eq!(names(d.path()), ["out.csv"]);
}

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let d = tempfile::tempdir().unwrap();
    let real_dir = d.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("data.json");
    fs::write(&real, "old").unwrap();
    // Relative link in another directory, and a link to that link.
    let link = d.path().join("link.json");
    std::os::unix::fs::symlink("real/data.json", &link).unwrap();
    let link2 = d.path().join("link2.json");
    std::os::unix::fs::symlink(&link, &link2).unwrap();
    write(&link2, &Inputs::none(), Existing::Replace, "new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::symlink_metadata(&link2)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/data.json"));
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    // The temporary file was beside the target, and is gone.
    assert_eq!(names(&real_dir), ["data.json"]);
    assert_eq!(names(d.path()), ["link.json", "link2.json", "real"]);

    // A dangling link: its target is created, the link stays.
    let dangling = d.path().join("dangling");
    std::os::unix::fs::symlink("real/created.txt", &dangling).unwrap();
    write(&dangling, &Inputs::none(), Existing::Replace, "made").unwrap();
    assert!(
        fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(real_dir.join("created.txt")).unwrap(),
        "made"
    );
}

#[test]
fn a_link_loop_is_an_output_error() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    let b = d.path().join("b");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let e = write(&a, &Inputs::none(), Existing::Replace, "x").unwrap_err();
    assert_eq!(e.exit(), Exit::Output, "{e}");
    assert!(e.to_string().contains("symbolic links"), "{e}");
}

#[test]
fn dev_null_is_written_in_place() {
    for existing in [Existing::Replace, Existing::Refuse, Existing::Append] {
        write(Path::new("/dev/null"), &Inputs::none(), existing, "gone").unwrap();
        assert!(
            fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
}

#[test]
fn dev_full_is_a_named_output_error() {
    let mut out =
        Output::create(Path::new("/dev/full"), &Inputs::none(), Existing::Replace).unwrap();
    // Small writes are buffered: the error comes with the flush in commit.
    out.write_all(b"x").unwrap();
    let e = out.commit().unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot write /dev/full: No space left on device (os error 28)"
    );
    assert_eq!(e.exit(), Exit::Output);
    // A write larger than the buffer fails in `write`; the tag names the output.
    let mut out =
        Output::create(Path::new("/dev/full"), &Inputs::none(), Existing::Replace).unwrap();
    let e = out.write_all(&vec![b'x'; 2 * FILE_BUF]).unwrap_err();
    let e = write_err(e);
    assert_eq!(
        e.to_string(),
        "cannot write /dev/full: No space left on device (os error 28)"
    );
}

#[test]
fn a_fifo_gets_the_data_in_place() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(st.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            File::open(&fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    let body = "line\n".repeat(50_000);
    write(&fifo, &Inputs::none(), Existing::Replace, &body).unwrap();
    assert_eq!(reader.join().unwrap(), body);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(d.path()), ["pipe"]);
}

#[test]
fn a_fifo_whose_reader_leaves_is_a_closed_pipe() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 10];
            File::open(&fifo).unwrap().read_exact(&mut buf).unwrap();
        })
    };
    let mut out = Output::create(&fifo, &Inputs::none(), Existing::Replace).unwrap();
    let mut result = Ok(());
    for _ in 0..1000 {
        result = out.write_all(&[b'x'; 64 * 1024]);
        if result.is_err() {
            break;
        }
    }
    reader.join().unwrap();
    let e = write_err(result.expect_err("writes to a FIFO nobody reads must fail"));
    assert!(matches!(e, Error::ClosedPipe), "{e}");
    assert_eq!(e.exit(), Exit::Success);
}

#[test]
fn an_input_is_never_written_over() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("traces.json");
    fs::write(&input, "INPUT").unwrap();
    let hard = d.path().join("hard.json");
    fs::hard_link(&input, &hard).unwrap();
    let soft = d.path().join("soft.json");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    let inputs = Inputs::sources(&[input.display().to_string()]);
    // The same file by the same name, a relative name, a hard link, a symlink.
    let relative = d.path().join(".").join("traces.json");
    for out in [&input, &relative, &hard, &soft] {
        for existing in [Existing::Replace, Existing::Refuse, Existing::Append] {
            let e = write(out, &inputs, existing, "OUTPUT").unwrap_err();
            assert_eq!(e.exit(), Exit::Usage, "{e}");
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("refusing to write {}", out.display())),
                "{msg}"
            );
            assert!(
                msg.contains(&format!("it is the input {}", input.display())),
                "{msg}"
            );
        }
    }
    assert_eq!(fs::read_to_string(&input).unwrap(), "INPUT");
    assert!(
        fs::symlink_metadata(&soft)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // The symlink as the input, the file as the output.
    let e = write(
        &input,
        &Inputs::sources(&[soft.display().to_string()]),
        Existing::Replace,
        "x",
    )
    .unwrap_err();
    assert_eq!(e.exit(), Exit::Usage);
    // Anything inside an input directory, existing or not.
    let inputs = Inputs::sources(&[d.path().display().to_string()]);
    for out in [d.path().join("new.json"), input.clone()] {
        let e = write(&out, &inputs, Existing::Replace, "x").unwrap_err();
        assert!(e.to_string().contains("inside the input directory"), "{e}");
    }
    // Other files, and trace ids or missing paths among the sources, are fine.
    let inputs = Inputs::sources(&[
        input.display().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736".to_string(),
        "-".to_string(),
    ])
    .and(d.path().join("missing.toml"));
    write(
        &d.path().join("other.json"),
        &inputs,
        Existing::Replace,
        "ok",
    )
    .unwrap();
    // Devices are not inputs to protect.
    let inputs = Inputs::sources(&["/dev/null".to_string()]);
    write(Path::new("/dev/null"), &inputs, Existing::Replace, "x").unwrap();
    assert_eq!(temps(d.path()), Vec::<String>::new());
}

#[test]
fn refuse_keeps_an_existing_file() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("policy.toml");
    fs::write(&target, "mine").unwrap();
    let e = write(&target, &Inputs::none(), Existing::Refuse, "starter").unwrap_err();
    assert_eq!(e.exit(), Exit::Usage);
    assert!(e.to_string().contains("exists; use --force"), "{e}");
    assert_eq!(fs::read_to_string(&target).unwrap(), "mine");
    write(
        &target,
        &Inputs::none(),
        Existing::unless_forced(true),
        "starter",
    )
    .unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "starter");
    // A new file is simply written.
    write(
        &d.path().join("new.toml"),
        &Inputs::none(),
        Existing::Refuse,
        "s",
    )
    .unwrap();
    assert_eq!(names(d.path()), ["new.toml", "policy.toml"]);
}

#[test]
fn append_writes_in_place_and_creates() {
    let d = tempfile::tempdir().unwrap();
    let summary = d.path().join("step_summary.md");
    write(&summary, &Inputs::none(), Existing::Append, "one\n").unwrap();
    let ino = fs::metadata(&summary).unwrap().ino();
    write(&summary, &Inputs::none(), Existing::Append, "two\n").unwrap();
    assert_eq!(fs::read_to_string(&summary).unwrap(), "one\ntwo\n");
    assert_eq!(fs::metadata(&summary).unwrap().ino(), ino);
}

#[test]
fn unwritable_places_are_output_errors_that_leave_nothing() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("file");
    fs::write(&file, "x").unwrap();
    let cases = [
        (
            d.path().join("no/such/dir/out.json"),
            "No such file or directory",
        ),
        (file.join("out.json"), "Not a directory"),
        (d.path().to_path_buf(), "it is a directory"),
    ];
    for (target, why) in cases {
        for existing in [Existing::Replace, Existing::Append] {
            let e = write(&target, &Inputs::none(), existing, "x").unwrap_err();
            assert_eq!(e.exit(), Exit::Output, "{e}");
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("cannot write {}: ", target.display())),
                "{msg}"
            );
            assert!(msg.contains(why), "{msg}");
        }
    }
    assert_eq!(names(d.path()), ["file"]);
    let e = create_dir(&file).unwrap_err();
    assert_eq!(e.exit(), Exit::Output);
    assert!(e.to_string().contains("not a directory"), "{e}");
    create_dir(&d.path().join("a/b")).unwrap();
    assert!(d.path().join("a/b").is_dir());
}

#[test]
fn descriptor_paths() {
    let me = std::process::id();
    for (p, want) in [
        ("/dev/stdout", Some(Some(1))),
        ("/dev/stderr", Some(Some(2))),
        ("/dev/fd/1", Some(Some(1))),
        ("/dev/fd/63", Some(Some(63))),
        ("/proc/self/fd/1", Some(Some(1))),
        ("/proc/thread-self/fd/4", Some(Some(4))),
        (&format!("/proc/{me}/fd/1"), Some(Some(1))),
        (
            "/proc/1/fd/1",
            if me == 1 { Some(Some(1)) } else { Some(None) },
        ),
        ("/dev/null", None),
        ("dev/stdout", None),
        ("/tmp/dev/stdout", None),
        ("/proc/self/status", None),
    ] {
        assert_eq!(fd_path(Path::new(p)), want, "{p}");
    }
    // /dev/stdout is our standard output, not a file to rename over.
    let out = Output::create(Path::new("/dev/stdout"), &Inputs::none(), Existing::Refuse).unwrap();
    assert!(out.is_stdout() && !out.is_atomic());
    assert!(
        Output::open(Some(Path::new("-")), &Inputs::none())
            .unwrap()
            .is_stdout()
    );
    assert!(Output::open(None, &Inputs::none()).unwrap().is_stdout());
}

#[test]
fn write_file_writes_everything() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("page.1");
    write_file(&p, &Inputs::none(), Existing::Replace, b"roff").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"roff");
}
