//! One module per subcommand: its arguments (clap derive) and `run`, which
//! returns the exit code or a message for exit status 2.

pub mod configs;
pub mod emulate;
pub mod proxy;
pub mod trigger;
pub mod verify;

/// AK/SK or IAM token from flags or the environment (the variables Huawei's
/// SDKs read), shared by the commands that serve or call the emulator.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct CredentialArgs {
    /// Access key (needs --sk).
    #[arg(long, requires = "sk", env = live_record_callbacks::auth::ENV_AK)]
    pub ak: Option<String>,
    /// Secret key (needs --ak).
    #[arg(
        long,
        requires = "ak",
        env = live_record_callbacks::auth::ENV_SK,
        hide_env_values = true
    )]
    pub sk: Option<String>,
    /// IAM token, sent or accepted in X-Auth-Token. Prefer the environment
    /// variable: a flag's value is visible to other users in the process list.
    #[arg(long, env = configs::ENV_TOKEN, hide_env_values = true)]
    pub token: Option<String>,
}
