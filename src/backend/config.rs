//! Backend profiles from the config files, merged with the environment and the flags.
//!
//! Files, lowest precedence first: the user file `$XDG_CONFIG_HOME/tracekit/config.toml`
//! (default `~/.config/tracekit/config.toml`), then the project file `./tracekit.toml`. A profile
//! of the project file replaces the user file's profile of the same name as a whole. Then the
//! environment (`TRACEKIT_BACKEND`, `TRACEKIT_BACKEND_KIND`, `TRACEKIT_TOKEN`), then the flags.
//!
//! ```toml
//! [backends]
//! default = "prod"                 # used when no --backend / TRACEKIT_BACKEND is given
//! cache_dir = "~/.cache/tracekit"  # cache for every profile (opt-in)
//!
//! [backends.prod]
//! kind = "tempo"                   # jaeger | zipkin | tempo (detected when absent)
//! url = "https://tempo.example.com/tempo"
//! token_env = "PROD_TOKEN"         # bearer token from this environment variable
//! tenant = "acme"                  # X-Scope-OrgID
//! timeout = "10s"                  # one request: connect, headers and body
//! total_timeout = "1m"             # one request with all its retries (default 2m)
//! ca_file = "certs/ca.pem"         # relative to this file
//! headers = { "X-Team" = "sre" }
//! ```
//!
//! Only the `[backends]` table is read here (the project file also holds other sections), and in
//! it every key must be known: a typo is an error with file:line:column (exit 2). Secrets are
//! never stored in the files: `token_env`, `basic_password_env` and `token_file` name where
//! they are.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use super::secret::Secret;
use super::{Auth, BackendKind, Target};
use crate::error::Error;

/// What the command line asks of the backend (`--backend`, `--backend-kind`, `--tenant`, …):
/// a plain request, resolved against the config files by [`resolve`]. The CLI's flags convert
/// into it; `None`/`false`/empty means "not given".
#[derive(Clone, Debug, Default)]
pub struct BackendRequest {
    /// A profile name from the config files, or a URL.
    pub backend: Option<String>,
    pub backend_kind: Option<BackendKind>,
    pub tenant: Option<String>,
    /// Extra request headers, replacing the profile's of the same name.
    pub headers: Vec<super::HeaderArg>,
    pub token_file: Option<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub insecure: bool,
    /// Time limit per request, in nanoseconds.
    pub timeout: Option<u64>,
    pub retries: Option<u32>,
    /// Time limit of a request with its retries, in nanoseconds.
    pub total_timeout: Option<u64>,
    pub cache: Option<PathBuf>,
    pub no_cache: bool,
    pub protobuf: bool,
}

/// A duration in a config file (`"10s"`, `"500ms"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationValue(pub Duration);

impl<'de> serde::Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d).map_err(|_| {
            de::Error::custom("expected a duration string with a unit, e.g. \"10s\" or \"500ms\"")
        })?;
        crate::units::parse_duration(&s)
            .map(|ns| DurationValue(Duration::from_nanos(ns)))
            .map_err(de::Error::custom)
    }
}

/// One `[backends.NAME]` table.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub kind: Option<BackendKind>,
    pub url: Option<Spanned<String>>,
    pub token_env: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
    pub basic_user: Option<String>,
    pub basic_password_env: Option<Spanned<String>>,
    pub tenant: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub timeout: Option<DurationValue>,
    pub connect_timeout: Option<DurationValue>,
    pub retries: Option<u32>,
    pub total_timeout: Option<DurationValue>,
    pub ca_file: Option<Spanned<String>>,
    #[serde(default)]
    pub insecure: bool,
    pub cache_dir: Option<String>,
    #[serde(default)]
    pub protobuf: bool,
    /// Refused with a hint: secrets do not belong in config files.
    pub token: Option<Spanned<toml::Value>>,
    pub password: Option<Spanned<toml::Value>>,
    pub basic_password: Option<Spanned<toml::Value>>,
}

/// The `[backends]` table: `default`, `cache_dir`, and the profiles.
#[derive(Debug, Default)]
pub struct BackendsTable {
    pub default: Option<Spanned<String>>,
    pub cache_dir: Option<String>,
    pub profiles: BTreeMap<String, Spanned<Profile>>,
}

impl<'de> serde::Deserialize<'de> for BackendsTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BackendsTable;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of backend profiles")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<BackendsTable, A::Error> {
                let mut t = BackendsTable::default();
                while let Some(key) = m.next_key::<String>()? {
                    match key.as_str() {
                        "default" => t.default = Some(m.next_value()?),
                        "cache_dir" => t.cache_dir = Some(m.next_value()?),
                        _ => {
                            let p: Spanned<Profile> = m.next_value()?;
                            t.profiles.insert(key, p);
                        }
                    }
                }
                Ok(t)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct FileDoc {
    backends: Option<BackendsTable>,
}

/// One config file, read.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    text: String,
    pub backends: BackendsTable,
}

impl ConfigFile {
    pub fn parse(path: &Path, text: String) -> Result<ConfigFile, Error> {
        let doc: FileDoc = toml::from_str(&text).map_err(|e| {
            let at = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
            Error::usage(format!(
                "{}:{}:{}: {}",
                path.display(),
                at.0,
                at.1,
                e.message().trim()
            ))
        })?;
        Ok(ConfigFile {
            path: path.to_path_buf(),
            text,
            backends: doc.backends.unwrap_or_default(),
        })
    }

    /// `path:line:col: message` for something at byte `offset`.
    fn error_at(&self, offset: usize, message: impl fmt::Display) -> Error {
        let (l, c) = line_col(&self.text, offset);
        Error::usage(format!("{}:{l}:{c}: {message}", self.path.display()))
    }

    fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// The config files that exist, user file first (lowest precedence).
#[derive(Debug, Default)]
pub struct ConfigFiles {
    pub files: Vec<ConfigFile>,
}

pub fn user_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy as _;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("tracekit").join("config.toml"))
}

pub fn project_config_path() -> PathBuf {
    PathBuf::from("tracekit.toml")
}

impl ConfigFiles {
    pub fn load() -> Result<ConfigFiles, Error> {
        let mut files = Vec::new();
        for path in user_config_path()
            .into_iter()
            .chain([project_config_path()])
        {
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push(ConfigFile::parse(&path, text)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::usage(format!(
                        "cannot read {}: {}",
                        path.display(),
                        crate::input::source::io_message(&e)
                    )));
                }
            }
        }
        Ok(ConfigFiles { files })
    }

    fn default_backend(&self) -> Option<&str> {
        self.files
            .iter()
            .rev()
            .find_map(|f| f.backends.default.as_ref().map(|d| d.get_ref().as_str()))
    }

    fn cache_dir(&self) -> Option<PathBuf> {
        self.files.iter().rev().find_map(|f| {
            f.backends
                .cache_dir
                .as_ref()
                .map(|d| expand_path(d, &f.dir()))
        })
    }

    fn profile(&self, name: &str) -> Option<(&ConfigFile, &Spanned<Profile>)> {
        self.files
            .iter()
            .rev()
            .find_map(|f| f.backends.profiles.get(name).map(|p| (f, p)))
    }

    fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .files
            .iter()
            .flat_map(|f| f.backends.profiles.keys().map(String::as_str))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn searched(&self) -> String {
        let mut paths: Vec<String> = user_config_path()
            .into_iter()
            .chain([project_config_path()])
            .map(|p| p.display().to_string())
            .collect();
        paths.dedup();
        paths.join(" and ")
    }
}

/// `~/x` is under the home directory; a relative path is relative to the config file.
fn expand_path(p: &str, base: &Path) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/")
        && let Ok(home) = etcetera::home_dir()
    {
        return home.join(rest);
    }
    let path = PathBuf::from(p);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

/// Where values come from besides the files (the process environment, or a test's map).
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

/// The backend named by `--backend`/`TRACEKIT_BACKEND` (or the config's `default`), resolved.
/// `Ok(None)` when none is named anywhere.
pub fn resolve(args: &BackendRequest) -> Result<Option<Target>, Error> {
    let files = ConfigFiles::load()?;
    resolve_with(args, &files, &ProcessEnv)
}

pub fn resolve_with(
    args: &BackendRequest,
    files: &ConfigFiles,
    env: &dyn Env,
) -> Result<Option<Target>, Error> {
    let spec = args
        .backend
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| files.default_backend().map(str::to_string));
    let Some(spec) = spec else {
        return Ok(None);
    };
    let mut target = if spec.contains("://") {
        let t = Target::from_url(&spec, None);
        check_url(&t.url, &t.name)?;
        t
    } else {
        let Some((file, profile)) = files.profile(&spec) else {
            let names = files.names();
            let known = if names.is_empty() {
                format!("no profiles are defined (looked in {})", files.searched())
            } else {
                format!("known profiles: {}", names.join(", "))
            };
            return Err(Error::usage(format!(
                "no backend profile named {spec:?}: {known}; a URL (http://host:port) works too"
            )));
        };
        from_profile(&spec, file, profile, env)?
    };
    if target.auth == Auth::None
        && let Some(token) = env.var("TRACEKIT_TOKEN")
    {
        target.auth = Auth::Bearer(Secret::new(token));
        target.auth_source = Some("TRACEKIT_TOKEN".into());
    }
    if target.cache_dir.is_none() {
        target.cache_dir = files.cache_dir();
    }
    apply_flags(&mut target, args)?;
    Ok(Some(target))
}

fn check_url(url: &str, shown: &str) -> Result<(), Error> {
    let ok = reqwest::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if ok.is_none() {
        return Err(Error::usage(format!(
            "invalid backend URL {shown:?}: expected http://host[:port][/path] or https://…"
        )));
    }
    Ok(())
}

fn from_profile(
    name: &str,
    file: &ConfigFile,
    spanned: &Spanned<Profile>,
    env: &dyn Env,
) -> Result<Target, Error> {
    let p = spanned.get_ref();
    if let Some(secret) = [&p.token, &p.password, &p.basic_password]
        .into_iter()
        .flatten()
        .next()
    {
        return Err(file.error_at(
            secret.span().start,
            "secrets do not belong in a config file: put the value in an environment variable and name it with token_env (or basic_password_env), or use token_file",
        ));
    }
    let Some(url) = &p.url else {
        return Err(file.error_at(
            spanned.span().start,
            format!("backend profile {name:?} has no url"),
        ));
    };
    let mut t = Target::from_url(url.get_ref(), p.kind);
    if check_url(&t.url, &t.name).is_err() {
        return Err(file.error_at(
            url.span().start,
            "invalid url: expected http://host[:port][/path] or https://…",
        ));
    }
    t.name = name.to_string();
    let dir = file.dir();
    let from_env = |var: &Spanned<String>, what: &str| -> Result<Secret, Error> {
        env.var(var.get_ref()).map(Secret::new).ok_or_else(|| {
            file.error_at(
                var.span().start,
                format!(
                    "{what} names the environment variable {}, which is not set",
                    var.get_ref()
                ),
            )
        })
    };
    if let Some(var) = &p.token_env {
        t.auth = Auth::Bearer(from_env(var, "token_env")?);
        t.auth_source = Some(format!("{} (token_env of profile {name})", var.get_ref()));
    } else if let Some(path) = &p.token_file {
        let full = expand_path(path.get_ref(), &dir);
        t.auth =
            Auth::Bearer(read_token_file(&full).map_err(|m| file.error_at(path.span().start, m))?);
        t.auth_source = Some(format!("{} (token_file of profile {name})", full.display()));
    } else if let Some(user) = &p.basic_user {
        let password = p
            .basic_password_env
            .as_ref()
            .map(|v| from_env(v, "basic_password_env"))
            .transpose()?;
        t.auth = Auth::Basic {
            user: user.clone(),
            password,
        };
        t.auth_source = Some(match &p.basic_password_env {
            Some(v) => format!("basic_user and {} of profile {name}", v.get_ref()),
            None => format!("basic_user of profile {name}"),
        });
    }
    t.tenant = p.tenant.clone();
    t.headers = p
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Secret::new(v.clone())))
        .collect();
    if let Some(d) = p.timeout {
        t.timeout = d.0;
    }
    if let Some(d) = p.connect_timeout {
        t.connect_timeout = d.0;
    }
    if let Some(r) = p.retries {
        t.retries = r;
    }
    if let Some(d) = p.total_timeout {
        t.total_timeout = d.0;
    }
    if let Some(ca) = &p.ca_file {
        let full = expand_path(ca.get_ref(), &dir);
        if !full.is_file() {
            return Err(file.error_at(
                ca.span().start,
                format!("ca_file {} does not exist", full.display()),
            ));
        }
        t.ca_file = Some(full);
    }
    t.insecure = p.insecure;
    t.cache_dir = p.cache_dir.as_deref().map(|d| expand_path(d, &dir));
    t.protobuf = p.protobuf;
    Ok(t)
}

fn read_token_file(path: &Path) -> Result<Secret, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the token file {}: {}",
            path.display(),
            crate::input::source::io_message(&e)
        )
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("the token file {} is empty", path.display()));
    }
    Ok(Secret::new(token))
}

fn apply_flags(t: &mut Target, a: &BackendRequest) -> Result<(), Error> {
    if let Some(k) = a.backend_kind {
        t.kind = Some(k);
    }
    if let Some(tenant) = &a.tenant {
        t.tenant = Some(tenant.clone());
    }
    for h in &a.headers {
        t.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&h.name));
        t.headers.push((h.name.clone(), h.value.clone()));
    }
    if let Some(path) = &a.token_file {
        t.auth = Auth::Bearer(read_token_file(path).map_err(Error::usage)?);
        t.auth_source = Some(format!("--token-file {}", path.display()));
    }
    if let Some(ca) = &a.ca_file {
        t.ca_file = Some(ca.clone());
    }
    if a.insecure {
        t.insecure = true;
    }
    if let Some(ns) = a.timeout {
        t.timeout = Duration::from_nanos(ns.max(1_000_000));
    }
    if let Some(r) = a.retries {
        t.retries = r;
    }
    if let Some(ns) = a.total_timeout {
        t.total_timeout = Duration::from_nanos(ns.max(1_000_000));
    }
    if let Some(dir) = &a.cache {
        t.cache_dir = Some(dir.clone());
    }
    if a.no_cache {
        t.cache_dir = None;
    }
    if a.protobuf {
        t.protobuf = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn files(parts: &[(&str, &str)]) -> Result<ConfigFiles, Error> {
        let files = parts
            .iter()
            .map(|(p, t)| ConfigFile::parse(Path::new(p), t.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ConfigFiles { files })
    }

    fn args(backend: &str) -> BackendRequest {
        BackendRequest {
            backend: Some(backend.into()),
            ..BackendRequest::default()
        }
    }

    const USER: &str = r#"
[backends]
default = "prod"

[backends.prod]
kind = "tempo"
url = "https://tempo.example.com/tempo/"
token_env = "PROD_TOKEN"
tenant = "acme"
timeout = "10s"
headers = { "X-Team" = "sre" }

[backends.staging]
kind = "jaeger"
url = "http://jaeger:16686"
"#;

    #[test]
    fn profile_with_token_from_env() {
        let f = files(&[("/home/u/.config/tracekit/config.toml", USER)]).unwrap();
        let env = MapEnv(HashMap::from([("PROD_TOKEN", "s3cret")]));
        let t = resolve_with(&BackendRequest::default(), &f, &env)
            .unwrap()
            .unwrap();
        assert_eq!(t.name, "prod");
        assert_eq!(t.url, "https://tempo.example.com/tempo");
        assert_eq!(t.kind, Some(BackendKind::Tempo));
        assert_eq!(t.auth, Auth::Bearer(Secret::new("s3cret")));
        assert_eq!(t.tenant.as_deref(), Some("acme"));
        assert_eq!(t.timeout, Duration::from_secs(10));
        assert_eq!(t.headers, vec![("X-Team".to_string(), Secret::new("sre"))]);
        assert!(!format!("{t:?}").contains("s3cret"));
    }

    #[test]
    fn project_overrides_user_and_flags_override_both() {
        let project = "[backends.prod]\nkind = \"zipkin\"\nurl = \"http://zipkin:9411\"\n[gate]\nanything = 1\n";
        let f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        let env = MapEnv(HashMap::from([("TRACEKIT_TOKEN", "t0k")]));
        let mut a = args("prod");
        a.retries = Some(0);
        a.headers = vec!["X-Scope-OrgID: other".parse().unwrap()];
        let t = resolve_with(&a, &f, &env).unwrap().unwrap();
        assert_eq!(t.kind, Some(BackendKind::Zipkin));
        assert_eq!(t.url, "http://zipkin:9411");
        // The project profile has no credentials: TRACEKIT_TOKEN applies.
        assert_eq!(t.auth, Auth::Bearer(Secret::new("t0k")));
        assert_eq!(t.retries, 0);
        assert_eq!(t.headers.len(), 1);
        let staging = resolve_with(&args("staging"), &f, &env).unwrap().unwrap();
        assert_eq!(staging.kind, Some(BackendKind::Jaeger));
    }

    #[test]
    fn urls_work_without_files() {
        let f = ConfigFiles::default();
        let env = MapEnv(HashMap::new());
        let mut a = args("http://user:pw@127.0.0.1:3200/select/jaeger/");
        a.backend_kind = Some(BackendKind::Jaeger);
        let t = resolve_with(&a, &f, &env).unwrap().unwrap();
        assert_eq!(t.url, "http://127.0.0.1:3200/select/jaeger");
        assert_eq!(t.name, "http://***@127.0.0.1:3200/select/jaeger/");
        assert!(matches!(t.auth, Auth::Basic { .. }));
        assert!(
            resolve_with(&BackendRequest::default(), &f, &env)
                .unwrap()
                .is_none()
        );
        assert!(resolve_with(&args("ftp://x"), &f, &env).is_err());
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "[backends.prod]\nkind = \"tempo\"\nurl = \"http://h\"\ntimeuot = \"1s\"\n";
        let e = files(&[("c.toml", text)]).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:4:1: "), "{e}");
        assert!(e.contains("timeuot"), "{e}");

        let text = "[backends.prod]\nkind = \"elastic\"\nurl = \"http://h\"\n";
        let e = files(&[("c.toml", text)]).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2:8: "), "{e}");

        let text = "[backends.prod]\nurl = \"http://h\"\ntimeout = \"10 parsecs\"\n";
        let e = files(&[("c.toml", text)]).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:3:11: "), "{e}");

        let text = "[backends.prod]\nurl = \"http://h\"\ntoken = \"abc\"\n";
        let f = files(&[("c.toml", text)]).unwrap();
        let e = resolve_with(&args("prod"), &f, &MapEnv(HashMap::new()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:3:9: secrets do not belong"), "{e}");
        assert!(!e.contains("abc"));

        let text = "[backends.prod]\nurl = \"http://h\"\ntoken_env = \"NOPE\"\n";
        let f = files(&[("c.toml", text)]).unwrap();
        let e = resolve_with(&args("prod"), &f, &MapEnv(HashMap::new()))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:3:13: token_env names"), "{e}");

        let e = resolve_with(&args("nope"), &f, &MapEnv(HashMap::new()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("known profiles: prod"), "{e}");

        let text = "[backends.prod]\nkind = \"tempo\"\n";
        let f = files(&[("c.toml", text)]).unwrap();
        let e = resolve_with(&args("prod"), &f, &MapEnv(HashMap::new()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no url"), "{e}");
    }
}
