//! 公民身份号码 (GB 11643-1999): 6-digit division code, birth date YYYYMMDD, 3-digit sequence
//! (odd for males, even for females) and an ISO 7064 MOD 11-2 check character.

use jiff::civil::Date;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// What an identity number says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdNumber {
    pub birth_date: Date,
    pub sex: Sex,
}

/// Sex as coded in the sequence digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The enum value workflows use for `*.sex` fields.
    pub fn key(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Why a text is not a valid identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an identity number has 18 characters: 17 digits and a digit or X")]
    Shape,
    #[error("the birth date inside the identity number is not a real date")]
    BirthDate,
    #[error("the check character does not match (expected {expected})")]
    Check { expected: char },
}

/// The canonical form (upper-case X) of a valid number, or why it is not valid.
pub fn canonical(text: &str) -> Result<String, IdError> {
    let upper = text.trim().to_ascii_uppercase();
    parse(&upper)?;
    Ok(upper)
}

/// Checks an identity number and reads the birth date and sex out of it.
pub fn parse(text: &str) -> Result<IdNumber, IdError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != 18
        || !chars[..17].iter().all(char::is_ascii_digit)
        || !(chars[17].is_ascii_digit() || chars[17] == 'X' || chars[17] == 'x')
    {
        return Err(IdError::Shape);
    }
    let digit = |i: usize| chars[i].to_digit(10).unwrap_or(0);
    let sum: u32 = (0..17).map(|i| digit(i) * WEIGHTS[i]).sum();
    let expected = CHECK[(sum % 11) as usize];
    if chars[17].to_ascii_uppercase() != expected {
        return Err(IdError::Check { expected });
    }
    let number =
        |from: usize, len: usize| (from..from + len).fold(0i32, |n, i| n * 10 + digit(i) as i32);
    let birth_date = Date::new(
        number(6, 4) as i16,
        number(10, 2) as i8,
        number(12, 2) as i8,
    )
    .map_err(|_| IdError::BirthDate)?;
    let sex = if digit(16) % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(IdNumber { birth_date, sex })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb_11643_sample_number_is_valid_with_check_x() {
        let id = parse("11010519491231002X").expect("the standard's sample is valid");
        assert_eq!(id.birth_date, jiff::civil::date(1949, 12, 31));
        assert_eq!(id.sex, Sex::Female);
        assert_eq!(
            canonical("11010519491231002x"),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn a_wrong_check_character_names_the_right_one() {
        assert_eq!(
            parse("110105194912310021"),
            Err(IdError::Check { expected: 'X' })
        );
    }

    #[test]
    fn shape_and_impossible_dates_are_rejected() {
        assert_eq!(parse("1101051949123100"), Err(IdError::Shape));
        assert_eq!(parse("11010519491231002Y"), Err(IdError::Shape));
        assert_eq!(parse("１１0105194912310021"), Err(IdError::Shape));
        // 2026-02-30 with a check character computed to be right.
        let body = "11010520260230001";
        let sum: u32 = body
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        let full = format!("{body}{}", CHECK[(sum % 11) as usize]);
        assert_eq!(parse(&full), Err(IdError::BirthDate));
    }
}
