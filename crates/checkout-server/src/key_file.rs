//! Key files: 32 random bytes in hex, kept beside the database they protect and never in
//! it. The key of card and IBAN fingerprints and the vault's key are both kept so.
//!
//! A file is written whole to a temporary file with mode 0600 and linked into place, so a
//! crash leaves no half-written key, and of two servers starting at once the second reads
//! the first's key instead of writing its own. A file whose key is not the one the data
//! was made with is refused, never overwritten. Keys are never logged.

use rand::RngCore;
use std::path::Path;

use crate::startup::StartError;

/// 32 random bytes.
pub fn random_key() -> Vec<u8> {
    let mut bytes = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Reads the key from `path`, or creates the file (mode 0600, hex) with `initial` or a
/// new random key. `accept` says why a key does not fit the data it is for (`Err` with
/// the reason); such a key is refused, and a new one is not written.
pub fn load_or_create(
    path: &Path,
    initial: Option<Vec<u8>>,
    accept: &dyn Fn(&[u8]) -> Result<(), String>,
) -> Result<Vec<u8>, StartError> {
    let failed = |reason: String| StartError::KeyFile {
        path: path.to_owned(),
        reason,
    };
    let read = |path: &Path| -> Result<Vec<u8>, StartError> {
        let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
        let key =
            hex::decode(text.trim()).map_err(|_| failed("is not a hex-encoded key".to_owned()))?;
        if key.len() < 32 {
            return Err(failed("holds fewer than 32 bytes".to_owned()));
        }
        accept(&key).map_err(failed)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode());
            if mode & 0o077 != 0 {
                tracing::warn!(
                    path = %path.display(),
                    "a key file can be read by others than its owner; chmod 600 it"
                );
            }
        }
        Ok(key)
    };
    if path.exists() {
        return read(path);
    }
    let key = initial
        .filter(|key| key.len() >= 32)
        .unwrap_or_else(random_key);
    accept(&key).map_err(failed)?;
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        std::io::Write::write_all(&mut file, format!("{}\n", hex::encode(&key)).as_bytes())?;
        file.sync_all()
    });
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(err.to_string()));
    }
    let linked = std::fs::hard_link(&temporary, path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(key),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read(path),
        Err(err) => Err(failed(err.to_string())),
    }
}
