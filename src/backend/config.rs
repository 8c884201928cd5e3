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
//! max_response_size = "1GiB"       # largest answer, decompressed (default 512MiB)
//! ca_file = "certs/ca.pem"         # relative to this file
//! headers = { "X-Team" = "sre" }
//! ```
//!
//! Trust: the project file comes with a checkout. Unless trusted (its directory listed in the
//! user file's `[backends] trusted_projects = ["~/src/app"]`, or `TRACEKIT_TRUST_PROJECT=1`), a
//! profile in it may not set the credential keys (`token_env`, `token_file`, `basic_user`,
//! `basic_password_env`, `headers`, `ca_file`, `insecure`), is not sent `TRACEKIT_TOKEN`, and may
//! not give a user profile another URL (with the same URL it only changes how it is queried:
//! kind, tenant, timeouts, retries, cache). `trusted_projects` is read from the user file only.
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
use crate::input::source::{SmallFile, read_small_text};

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
    /// Largest answer read (decompressed), in bytes.
    pub max_response_size: Option<u64>,
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

/// A byte size in a config file (`"512MiB"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeValue(pub u64);

impl<'de> serde::Deserialize<'de> for SizeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)
            .map_err(|_| de::Error::custom("expected a size string, e.g. \"512MiB\""))?;
        crate::units::parse_size(&s)
            .map(SizeValue)
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
    pub max_response_size: Option<SizeValue>,
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
    /// User file only: directories whose `./tracekit.toml` is trusted with credentials.
    pub trusted_projects: Option<Spanned<Vec<String>>>,
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
                        "trusted_projects" => t.trusted_projects = Some(m.next_value()?),
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
    /// The project file `./tracekit.toml` (not the user's own file).
    pub project: bool,
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
            project: false,
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
    /// The project file may set credentials and redefine the user's profiles: the current
    /// directory is in the user file's `trusted_projects`, or `TRACEKIT_TRUST_PROJECT=1`.
    pub trusted: bool,
}

/// The keys of a profile that send credentials or decide whom to trust: only the user file,
/// the environment and the flags may set them, unless the project is trusted.
const CREDENTIAL_KEYS: &str =
    "token_env, token_file, basic_user, basic_password_env, headers, ca_file, insecure";

/// The environment variable that trusts the project file of any directory.
pub const TRUST_ENV: &str = "TRACEKIT_TRUST_PROJECT";

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
        let paths = user_config_path()
            .into_iter()
            .map(|p| (p, false))
            .chain([(project_config_path(), true)]);
        for (path, project) in paths {
            match read_small_text(&path, SmallFile::Config) {
                Ok(text) => {
                    let mut f = ConfigFile::parse(&path, text)?;
                    f.project = project;
                    files.push(f);
                }
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
        let mut files = ConfigFiles {
            files,
            trusted: false,
        };
        let cwd = std::env::current_dir().ok();
        files.trusted = files.trust(ProcessEnv.var(TRUST_ENV).as_deref(), cwd.as_deref())?;
        Ok(files)
    }

    /// Whether the project file is trusted: `TRACEKIT_TRUST_PROJECT=1`, or `cwd` is listed in
    /// the user file's `trusted_projects`. A project file cannot trust itself.
    pub fn trust(&self, env: Option<&str>, cwd: Option<&Path>) -> Result<bool, Error> {
        let mut trusted = env.is_some_and(|v| v.trim() == "1");
        for f in &self.files {
            let Some(list) = &f.backends.trusted_projects else {
                continue;
            };
            if f.project {
                return Err(f.error_at(
                    list.span().start,
                    "trusted_projects belongs in the user config file, not in a project's tracekit.toml",
                ));
            }
            let here = cwd.and_then(|c| c.canonicalize().ok());
            trusted |= list.get_ref().iter().any(|d| {
                let d = expand_path(d, &f.dir());
                here.is_some() && d.canonicalize().ok() == here
            });
        }
        Ok(trusted)
    }

    fn user_file(&self) -> Option<&ConfigFile> {
        self.files.iter().find(|f| !f.project)
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
    let mut untrusted = false;
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
        if file.project && !files.trusted {
            untrusted = true;
            project_profile(&spec, files, file, profile, env)?
        } else {
            from_profile(&spec, file, profile, env)?
        }
    };
    // TRACEKIT_TOKEN is the user's: never sent to a URL an untrusted project file chose.
    if target.auth == Auth::None
        && !untrusted
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

/// How to trust a project file, for messages.
fn trust_hint(files: &ConfigFiles) -> String {
    let user = files
        .user_file()
        .map(|f| f.path.clone())
        .or_else(user_config_path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the user config file".into());
    format!(
        "or trust this directory: list it in trusted_projects under [backends] in {user}, or set {TRUST_ENV}=1"
    )
}

/// A profile of an untrusted project file: no credential keys; a profile of the user file of
/// the same name keeps its URL and credentials (the project may change only how it is queried),
/// and one with another URL is refused.
fn project_profile(
    name: &str,
    files: &ConfigFiles,
    file: &ConfigFile,
    spanned: &Spanned<Profile>,
    env: &dyn Env,
) -> Result<Target, Error> {
    let p = spanned.get_ref();
    let at = spanned.span().start;
    let found: Option<(&str, usize)> = [
        ("token_env", p.token_env.as_ref().map(|v| v.span().start)),
        ("token_file", p.token_file.as_ref().map(|v| v.span().start)),
        ("basic_user", p.basic_user.as_ref().map(|_| at)),
        (
            "basic_password_env",
            p.basic_password_env.as_ref().map(|v| v.span().start),
        ),
        ("headers", (!p.headers.is_empty()).then_some(at)),
        ("ca_file", p.ca_file.as_ref().map(|v| v.span().start)),
        ("insecure", p.insecure.then_some(at)),
    ]
    .into_iter()
    .find_map(|(k, v)| v.map(|v| (k, v)));
    if let Some((key, offset)) = found {
        return Err(file.error_at(
            offset,
            format!(
                "{key} in a project file is refused: credentials and TLS trust ({CREDENTIAL_KEYS}) come only from your user config, the environment or flags, so that a checkout cannot send them elsewhere; move it to your user config {}",
                trust_hint(files)
            ),
        ));
    }
    let user = files
        .user_file()
        .and_then(|u| u.backends.profiles.get(name).map(|up| (u, up)));
    let Some((ufile, uprofile)) = user else {
        return from_profile(name, file, spanned, env);
    };
    let mut t = from_profile(name, ufile, uprofile, env)?;
    if let Some(url) = &p.url {
        let theirs = Target::from_url(url.get_ref(), None);
        if theirs.url != t.url {
            return Err(file.error_at(
                url.span().start,
                format!(
                    "this project file points your profile {name:?} (of {}) at another URL, {}: refused, so that a checkout cannot send your credentials elsewhere; rename the project's profile {}",
                    ufile.path.display(),
                    theirs.name,
                    trust_hint(files)
                ),
            ));
        }
    }
    // The same backend: the project may change how it is queried, not who is trusted.
    if let Some(k) = p.kind {
        t.kind = Some(k);
    }
    if let Some(tenant) = &p.tenant {
        t.tenant = Some(tenant.clone());
    }
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
    if let Some(n) = p.max_response_size {
        t.max_response_size = n.0;
    }
    if let Some(d) = &p.cache_dir {
        t.cache_dir = Some(expand_path(d, &file.dir()));
    }
    t.protobuf |= p.protobuf;
    Ok(t)
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
    if let Some(n) = p.max_response_size {
        t.max_response_size = n.0;
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
    let text = read_small_text(path, SmallFile::Token).map_err(|e| {
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
    if let Some(n) = a.max_response_size {
        t.max_response_size = n.max(1);
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

    /// Config files; `tracekit.toml` is the (untrusted) project file.
    fn files(parts: &[(&str, &str)]) -> Result<ConfigFiles, Error> {
        let files = parts
            .iter()
            .map(|(p, t)| {
                let mut f = ConfigFile::parse(Path::new(p), t.to_string())?;
                f.project = *p == "tracekit.toml";
                Ok(f)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ConfigFiles {
            files,
            trusted: false,
        })
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
    fn a_trusted_project_overrides_user_and_flags_override_both() {
        let project = "[backends.prod]\nkind = \"zipkin\"\nurl = \"http://zipkin:9411\"\n[gate]\nanything = 1\n";
        let mut f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        f.trusted = true;
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
    fn an_untrusted_project_cannot_move_or_make_credentials() {
        let env = MapEnv(HashMap::from([
            ("PROD_TOKEN", "s3cret"),
            ("TRACEKIT_TOKEN", "t0k"),
        ]));
        // Pointing the user's profile elsewhere (and making it the default) is refused.
        let project =
            "[backends]\ndefault = \"prod\"\n[backends.prod]\nurl = \"http://evil.example\"\n";
        let f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        let e = resolve_with(&BackendRequest::default(), &f, &env)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("tracekit.toml:4:7: this project file points your profile \"prod\""),
            "{e}"
        );
        assert!(
            e.contains("trusted_projects") && e.contains(TRUST_ENV),
            "{e}"
        );
        // The same URL: the user's credentials stay, the project tunes the queries.
        let project =
            "[backends.prod]\nurl = \"https://tempo.example.com/tempo\"\ntimeout = \"3s\"\n";
        let f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        let t = resolve_with(&args("prod"), &f, &env).unwrap().unwrap();
        assert_eq!(t.auth, Auth::Bearer(Secret::new("s3cret")));
        assert_eq!(t.timeout, Duration::from_secs(3));
        assert_eq!(t.headers.len(), 1);
        // Credential keys in a project profile are refused, each of them.
        for (key, text) in [
            ("token_env", "token_env = \"PROD_TOKEN\""),
            ("token_file", "token_file = \"/home/u/.token\""),
            ("basic_user", "basic_user = \"me\""),
            ("headers", "headers = { \"X-Api-Key\" = \"k\" }"),
            ("ca_file", "ca_file = \"ca.pem\""),
            ("insecure", "insecure = true"),
        ] {
            let project = format!("[backends.mine]\nurl = \"http://evil.example\"\n{text}\n");
            let f = files(&[("/u/config.toml", USER), ("tracekit.toml", &project)]).unwrap();
            let e = resolve_with(&args("mine"), &f, &env)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("tracekit.toml:"), "{e}");
            assert!(
                e.contains(&format!("{key} in a project file is refused")),
                "{e}"
            );
        }
        // A project's own profile is not sent the user's TRACEKIT_TOKEN.
        let project =
            "[backends]\ndefault = \"mine\"\n[backends.mine]\nurl = \"http://evil.example\"\n";
        let f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        let t = resolve_with(&BackendRequest::default(), &f, &env)
            .unwrap()
            .unwrap();
        assert_eq!(t.url, "http://evil.example");
        assert_eq!(t.auth, Auth::None);
        // A project cannot trust itself.
        let project = "[backends]\ntrusted_projects = [\".\"]\n";
        let f = files(&[("/u/config.toml", USER), ("tracekit.toml", project)]).unwrap();
        assert!(
            f.trust(None, None)
                .unwrap_err()
                .to_string()
                .contains("belongs in the user config")
        );
        assert!(f.trust(Some("1"), None).is_err());
    }

    #[test]
    fn trusted_projects_and_the_environment_trust_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let user = format!(
            "[backends]\ntrusted_projects = [{:?}]\n",
            dir.path().display().to_string()
        );
        let f = files(&[("/u/config.toml", &user)]).unwrap();
        assert!(f.trust(None, Some(dir.path())).unwrap());
        assert!(!f.trust(None, Some(Path::new("/"))).unwrap());
        assert!(f.trust(Some("1"), Some(Path::new("/"))).unwrap());
        assert!(!f.trust(Some("0"), None).unwrap());
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
