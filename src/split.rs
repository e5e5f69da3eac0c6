//! Split points of the release wasm (issue 18). `cargo xtask` builds the release widget
//! with `--cfg wasm_split` and splits it with `wasm-split-cli`: each function declared
//! with [`split_point!`] moves, with the code only it uses, into a chunk of the wasm
//! (`split_<module>-<hash>.wasm`) that is fetched the first time the function runs.
//! Other builds (`trunk serve`, the browser tests, a Rust app's own, and the return
//! page's build without the `element` feature, which has nothing to split off) get a
//! plain async function: a split point in a wasm that is never split imports a module no
//! browser can resolve.

/// A chunk of the wasm that could not be fetched (the network). The failure is not
/// remembered: calling the function again fetches it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkMissing;

#[cfg(all(wasm_split, feature = "element"))]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// `split_point!(module, fn name(arg: Type, …) -> Output { body })` declares
/// `async fn name(arg: Type, …) -> Result<Output, ChunkMissing>`, whose body lives in
/// chunk `module` of the split build. `fallible`: a chunk that fails to load is an
/// `Err`, not a panic (which would abort the whole wasm, and the shopper's form with it).
/// Arguments and the output cross an `extern "C"` call between the modules: owned,
/// concrete types, no references or generics.
macro_rules! split_point {
    // With `preload name`: also `async fn name() -> Result<(), ChunkMissing>`, which
    // fetches the chunk without running anything in it (ahead of its first use).
    ($module:ident, $(preload $preload:ident,)? $(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block) => {
        $(#[$attr])*
        #[cfg(all(wasm_split, feature = "element"))]
        #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible $(, preload($preload))?)]
        fn $name($($arg: $ty),*) -> Result<$out, $crate::split::ChunkMissing> {
            Ok($body)
        }

        $(#[$attr])*
        #[cfg(not(all(wasm_split, feature = "element")))]
        async fn $name($($arg: $ty),*) -> Result<$out, $crate::split::ChunkMissing> {
            Ok($body)
        }

        $(
            /// Nothing to fetch in a build that is not split.
            #[cfg(not(all(wasm_split, feature = "element")))]
            async fn $preload() -> Result<(), $crate::split::ChunkMissing> {
                Ok(())
            }
        )?
    };
}
pub(crate) use split_point;
