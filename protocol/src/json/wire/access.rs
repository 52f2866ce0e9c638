//! [`Decode`] for the access bodies (`crate::access`): who the caller is, and the
//! admin lists. A created token or share link is its listed fields and its
//! `secret` side by side (serde's `flatten`), read here field for field.

use super::{Decode, JsonError, Reader};
use crate::access::{Created, Session, ShareInfo, SharesResponse, TokenInfo, TokensResponse, UserInfo, UsersResponse};

// `Option` fields are optional, as serde's derive reads a missing `Option` as `None`.
decode_struct!(Session { required: [role, via, users], optional: [user, expires, host, token] });
decode_struct!(TokenInfo { required: [id, role, label, created], optional: [last_used] });
decode_struct!(TokensResponse { required: [tokens] });
decode_struct!(ShareInfo { required: [id, host, label, created, expires] });
decode_struct!(SharesResponse { required: [shares] });
decode_struct!(UserInfo { required: [name, role, created] });
decode_struct!(UsersResponse { required: [users] });

/// Implements [`Decode`] for `Created<$info>`: the info's fields and `secret` in
/// one object.
macro_rules! decode_created {
    ($info:ident { required: [$($field:ident),*] $(, optional: [$($opt:ident),*])? }) => {
        impl Decode for Created<$info> {
            fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
                let mut secret = None;
                $(let mut $field = None;)*
                $($(let mut $opt = None;)*)?
                reader.begin_object()?;
                while let Some(key) = reader.next_key()? {
                    match &*key {
                        "secret" => reader.field(&mut secret, "secret")?,
                        $(stringify!($field) => reader.field(&mut $field, stringify!($field))?,)*
                        $($(stringify!($opt) => reader.field(&mut $opt, stringify!($opt))?,)*)?
                        _ => reader.skip()?,
                    }
                }
                let info = $info {
                    $($field: reader.require($field, stringify!($field))?,)*
                    $($($opt: $opt.unwrap_or_default(),)*)?
                };
                Ok(Created { info, secret: reader.require(secret, "secret")? })
            }
        }
    };
}

decode_created!(TokenInfo { required: [id, role, label, created], optional: [last_used] });
decode_created!(ShareInfo { required: [id, host, label, created, expires] });

#[cfg(test)]
mod tests;
