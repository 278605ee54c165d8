//! Text rules: name keys and similarity.

mod normalize;
mod similarity;

pub use normalize::{key_len, name_key};
pub use similarity::{
    MIN_SUGGESTION_LEN, SUGGESTION_THRESHOLD, SimilarTo, candidate_lengths, similarity,
};
