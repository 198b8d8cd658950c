//! The binary search tree of a MaxMind DB file: one node per address-bit decision, each with a left (bit 0) and
//! right (bit 1) record that points to another node, to "no data" (`node_count`) or into the data section
//! (`node_count + 16 + offset`).

use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rec {
    Empty,
    Node(usize),
    Data(usize),
}

/// A built tree whose nodes are numbered breadth-first from the root (node 0), with unreachable nodes dropped.
pub(super) struct Tree {
    nodes: Vec<[Rec; 2]>,
}

impl Tree {
    /// `entries`: (network bits right-aligned in `width` bits, prefix length ≤ width, data offset).
    pub(super) fn build(width: u8, entries: impl Iterator<Item = (u128, u8, usize)>) -> Tree {
        let mut entries: Vec<_> = entries.collect();
        // Least specific first, so a nested network later splits the record its parent set (stable sort keeps
        // "later insert of the same network wins").
        entries.sort_by_key(|e| e.1);
        let mut nodes = vec![[Rec::Empty, Rec::Empty]];
        for (bits, plen, off) in entries {
            if plen == 0 {
                nodes[0] = [Rec::Data(off), Rec::Data(off)];
                continue;
            }
            let mut node = 0usize;
            for i in 0..plen {
                let bit = ((bits >> (u32::from(width) - 1 - u32::from(i))) & 1) as usize;
                if i + 1 == plen {
                    nodes[node][bit] = Rec::Data(off);
                    break;
                }
                node = match nodes[node][bit] {
                    Rec::Node(n) => n,
                    inherited => {
                        // Empty, or a less specific network's data that now covers only the sibling half.
                        let fill = match inherited {
                            Rec::Data(d) => Rec::Data(d),
                            _ => Rec::Empty,
                        };
                        nodes.push([fill, fill]);
                        let n = nodes.len() - 1;
                        nodes[node][bit] = Rec::Node(n);
                        n
                    }
                };
            }
        }
        Tree {
            nodes: renumber(&nodes),
        }
    }

    pub(super) fn node_count(&self) -> u32 {
        self.nodes.len() as u32
    }

    /// Serialise with `record_size` 24, 28 or 32 bits; the caller made sure every value fits.
    pub(super) fn encode(&self, record_size: u16) -> Vec<u8> {
        let n = self.nodes.len() as u64;
        let value = |r: Rec| -> u32 {
            (match r {
                Rec::Empty => n,
                Rec::Node(i) => i as u64,
                Rec::Data(off) => n + 16 + off as u64,
            }) as u32
        };
        let mut out = Vec::with_capacity(self.nodes.len() * usize::from(record_size) / 4);
        for [l, r] in &self.nodes {
            let (l, r) = (value(*l), value(*r));
            match record_size {
                24 => {
                    out.extend_from_slice(&l.to_be_bytes()[1..]);
                    out.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                28 => {
                    out.extend_from_slice(&l.to_be_bytes()[1..]);
                    out.push((((l >> 24) & 0x0f) << 4) as u8 | ((r >> 24) & 0x0f) as u8);
                    out.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                _ => {
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(&r.to_be_bytes());
                }
            }
        }
        out
    }
}

/// Breadth-first renumbering from the root, dropping nodes nothing points to any more.
fn renumber(nodes: &[[Rec; 2]]) -> Vec<[Rec; 2]> {
    let mut new_id = vec![usize::MAX; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    let mut queue = VecDeque::from([0usize]);
    new_id[0] = 0;
    while let Some(old) = queue.pop_front() {
        order.push(old);
        for rec in nodes[old] {
            if let Rec::Node(c) = rec
                && new_id[c] == usize::MAX
            {
                new_id[c] = order.len() + queue.len();
                queue.push_back(c);
            }
        }
    }
    order
        .iter()
        .map(|&old| {
            nodes[old].map(|r| match r {
                Rec::Node(c) => Rec::Node(new_id[c]),
                other => other,
            })
        })
        .collect()
}
