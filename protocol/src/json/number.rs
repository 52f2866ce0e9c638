//! JSON numbers: integers exact and range-checked, others as `f64`.

use super::{JsonError, JsonErrorKind, Reader};

/// The parts of a number: `-`, its significant digits, and the power of ten they
/// are scaled by. Digits are collected while they fit a `u64` (19 or 20 of them,
/// more than an `f64` holds); `exact` is false once one had to be dropped.
struct Parts {
    negative: bool,
    digits: u64,
    exponent: i32,
    integer: bool,
    exact: bool,
}

impl Parts {
    /// Appends a digit if it fits; tells whether it did.
    fn push(&mut self, digit: u64) -> bool {
        match self.digits.checked_mul(10).and_then(|d| d.checked_add(digit)) {
            Some(digits) => {
                self.digits = digits;
                true
            }
            None => {
                self.exact = false;
                false
            }
        }
    }
}

impl Reader<'_> {
    /// Reads a number's syntax into its parts.
    fn number(&mut self) -> Result<Parts, JsonError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.unexpected("a number"));
        }
        let mut parts = Parts { negative: false, digits: 0, exponent: 0, integer: true, exact: true };
        if self.byte() == Some(b'-') {
            parts.negative = true;
            self.at += 1;
        }
        match self.byte() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.byte(), Some(b'0'..=b'9')) {
                    return Err(self.error(JsonErrorKind::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(digit) = self.digit() {
                    if !parts.push(digit) {
                        parts.exponent = parts.exponent.saturating_add(1);
                    }
                }
            }
            _ => return Err(self.unexpected("a number")),
        }
        if self.byte() == Some(b'.') {
            self.at += 1;
            parts.integer = false;
            self.expect_digit()?;
            while let Some(digit) = self.digit() {
                if parts.push(digit) {
                    parts.exponent = parts.exponent.saturating_sub(1);
                }
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.at += 1;
            parts.integer = false;
            let negative = self.byte() == Some(b'-');
            if matches!(self.byte(), Some(b'-' | b'+')) {
                self.at += 1;
            }
            self.expect_digit()?;
            let mut exponent: i32 = 0;
            while let Some(digit) = self.digit() {
                exponent = (exponent * 10 + digit as i32).min(1_000_000);
            }
            parts.exponent = parts.exponent.saturating_add(if negative { -exponent } else { exponent });
        }
        Ok(parts)
    }

    /// Takes one decimal digit.
    fn digit(&mut self) -> Option<u64> {
        let digit = self.byte().filter(u8::is_ascii_digit)?;
        self.at += 1;
        Some(u64::from(digit - b'0'))
    }

    fn expect_digit(&self) -> Result<(), JsonError> {
        match self.byte() {
            Some(b'0'..=b'9') => Ok(()),
            _ => Err(self.error(JsonErrorKind::InvalidNumber)),
        }
    }

    /// Skips a number, checking only its syntax (any size is fine).
    pub(super) fn skip_number(&mut self) -> Result<(), JsonError> {
        self.number().map(drop)
    }

    /// Reads an integer's sign and magnitude; a fraction, an exponent or more
    /// than `u64::MAX` is an error.
    fn integer(&mut self) -> Result<(bool, u64, usize), JsonError> {
        self.peek();
        let start = self.at;
        let parts = self.number()?;
        let fail = |kind| Err(JsonError { kind, at: start });
        if !parts.integer {
            return fail(JsonErrorKind::Expected("an integer"));
        }
        if !parts.exact || parts.exponent != 0 {
            return fail(JsonErrorKind::OutOfRange);
        }
        Ok((parts.negative, parts.digits, start))
    }

    /// Reads an unsigned integer.
    pub fn u64(&mut self) -> Result<u64, JsonError> {
        let (negative, magnitude, start) = self.integer()?;
        if negative && magnitude != 0 {
            return Err(JsonError { kind: JsonErrorKind::Expected("an unsigned integer"), at: start });
        }
        Ok(magnitude)
    }

    /// Reads an unsigned integer that fits 32 bits.
    pub fn u32(&mut self) -> Result<u32, JsonError> {
        self.peek();
        let start = self.at;
        u32::try_from(self.u64()?).map_err(|_| JsonError { kind: JsonErrorKind::OutOfRange, at: start })
    }

    /// Reads a signed integer.
    pub fn i64(&mut self) -> Result<i64, JsonError> {
        let (negative, magnitude, start) = self.integer()?;
        let value = if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() };
        value.ok_or(JsonError { kind: JsonErrorKind::OutOfRange, at: start })
    }

    /// Reads any number as an `f64` (within one unit in the last place).
    pub fn f64(&mut self) -> Result<f64, JsonError> {
        self.peek();
        let start = self.at;
        let parts = self.number()?;
        let magnitude = scale(parts.digits as f64, parts.exponent);
        if magnitude.is_infinite() {
            return Err(JsonError { kind: JsonErrorKind::OutOfRange, at: start });
        }
        Ok(if parts.negative { -magnitude } else { magnitude })
    }
}

/// `value` × 10^`exponent`. Powers of ten up to 10^22 are exact in an `f64`, so
/// the common case rounds twice at most (the digits, then one multiplication).
fn scale(mut value: f64, mut exponent: i32) -> f64 {
    if value == 0.0 {
        return value;
    }
    while exponent > 22 && value.is_finite() {
        value *= 1e22;
        exponent -= 22;
    }
    while exponent < -22 && value != 0.0 {
        value /= 1e22;
        exponent += 22;
    }
    let mut power = 1.0;
    for _ in 0..exponent.unsigned_abs() {
        power *= 10.0;
    }
    if exponent >= 0 {
        value * power
    } else {
        value / power
    }
}
