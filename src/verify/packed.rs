//! A page's links as the collector keeps them until the last page is done:
//! each a pair of its line and the number of its text, packed into bytes.
//!
//! A large site has hundreds of thousands of such pairs. Lines grow slowly
//! down a page and most numbers are small, so each pair is written as the
//! line's distance from the one before and the number, both in LEB128: about
//! half of two `u32`s. It knows nothing of what the numbers stand for.

/// The (line, number) pairs of one page, in page order.
pub(super) struct PackedLinks(Box<[u8]>);

impl PackedLinks {
    pub(super) fn pack(links: &[(u32, u32)]) -> PackedLinks {
        let deltas = || {
            let mut before = 0u32;
            links.iter().map(move |&(line, number)| {
                let delta = line.wrapping_sub(before);
                before = line;
                (delta, number)
            })
        };
        let size = deltas().map(|(d, n)| width(d) + width(n)).sum();
        let mut bytes = Vec::with_capacity(size);
        for (delta, number) in deltas() {
            write(&mut bytes, delta);
            write(&mut bytes, number);
        }
        PackedLinks(bytes.into_boxed_slice())
    }

    /// The pairs as packed.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut bytes = self.0.iter().copied();
        let mut line = 0u32;
        std::iter::from_fn(move || {
            let delta = read(&mut bytes)?;
            let number = read(&mut bytes)?;
            line = line.wrapping_add(delta);
            Some((line, number))
        })
    }
}

/// How many bytes `value` takes in LEB128.
fn width(value: u32) -> usize {
    (32 - value.leading_zeros() as usize).div_ceil(7).max(1)
}

fn write(bytes: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        bytes.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    bytes.push(value as u8);
}

fn read(bytes: &mut impl Iterator<Item = u8>) -> Option<u32> {
    let mut value = 0u32;
    for shift in (0..35).step_by(7) {
        let byte = bytes.next()?;
        value |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{PackedLinks, width};

    #[test]
    fn pairs_come_back_as_packed() {
        let links = [
            (1, 0),
            (1, 127),
            (2, 128),
            (40, 16_383),
            (40, 16_384),
            (7, 185_000),
            (u32::MAX, u32::MAX),
            (0, 1),
        ];
        let packed = PackedLinks::pack(&links);
        assert_eq!(packed.iter().collect::<Vec<_>>(), links);
        assert_eq!(PackedLinks::pack(&[]).iter().count(), 0);
    }

    #[test]
    fn a_typical_page_takes_under_half_of_two_u32s_a_link() {
        let links: Vec<(u32, u32)> = (0..100).map(|i| (10 + i / 3, i * 150)).collect();
        let packed = PackedLinks::pack(&links);
        assert_eq!(packed.iter().collect::<Vec<_>>(), links);
        assert!(packed.0.len() < links.len() * 4, "{}", packed.0.len());
    }

    #[test]
    fn widths_are_leb128_lengths() {
        let widths: Vec<usize> = [0, 1, 127, 128, 16_383, 16_384, u32::MAX]
            .into_iter()
            .map(width)
            .collect();
        assert_eq!(widths, [1, 1, 1, 2, 2, 3, 5]);
    }
}
