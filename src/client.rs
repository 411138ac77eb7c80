//! What the generated client carries besides its base URL: the hooks that
//! every request passes through.

use progenitor_client::{ClientHooks, OperationInfo};

use crate::Client;

/// State the generated [`Client`] holds for the hand-written hooks.
#[derive(Clone, Debug, Default)]
pub struct ClientContext {}

impl ClientHooks<ClientContext> for Client {
    async fn pre<E>(
        &self,
        _request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        Ok(())
    }
}
