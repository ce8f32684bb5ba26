//! Connecting to a PostgreSQL server, over TLS where the URL asks for it
//! (`sslmode=require`): members in other cities reach the panel's server
//! across networks they do not control. The server's certificate is
//! verified against the system's roots and, as libpq does, the file named
//! by `PGSSLROOTCERT` (a provincial IT office's own CA); its name must
//! match the host. Without `sslmode=require` (a local socket, or a server
//! whose `pg_hba.conf` asks no TLS) the connection is plain. A password
//! comes from the URL or, as with libpq, from `PGPASSWORD`.
//!
//! rustls rather than OpenSSL: nothing to install on the members' machines.

use super::{Result, StoreError};
use crate::base::i18n::say;

pub(crate) fn connect(url: &str) -> Result<postgres::Client> {
    let mut config: postgres::Config = url.parse()?;
    // As libpq: a password kept out of the URL (and so out of `ps`).
    if config.get_password().is_none()
        && let Ok(password) = std::env::var("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_ssl_mode() != postgres::config::SslMode::Require {
        return Ok(config.connect(postgres::NoTls)?);
    }
    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_config()?);
    Ok(config.connect(tls)?)
}

fn client_config() -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates are skipped: PGSSLROOTCERT may be all
    // a panel's server needs.
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = std::env::var_os("PGSSLROOTCERT") {
        let refused = |why: String| {
            StoreError::Refused(say(
                format!("PGSSLROOTCERT {}:{why}", path.to_string_lossy()),
                format!("PGSSLROOTCERT {}: {why}", path.to_string_lossy()),
            ))
        };
        let pem = std::fs::read(&path).map_err(|e| refused(e.to_string()))?;
        let mut found = 0;
        for cert in rustls_pemfile_certs(&pem) {
            roots.add(cert).map_err(|e| refused(e.to_string()))?;
            found += 1;
        }
        if found == 0 {
            return Err(refused(say(
                "其中没有 PEM 证书",
                "no PEM certificate in it",
            )));
        }
    }
    Ok(rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The certificates of a PEM file.
fn rustls_pemfile_certs(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_slice_iter(pem)
        .filter_map(std::result::Result::ok)
        .collect()
}
