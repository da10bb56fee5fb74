#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| flowhook_fuzz::savefile(data));
