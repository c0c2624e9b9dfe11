//! The `drop_frames` and `keep_frames` patterns `go tool pprof` gives a
//! legacy profile, chosen by its sample types.

fn alloc_drop_frames() -> String {
    [
        "calloc",
        "cfree",
        "malloc",
        "free",
        "memalign",
        "do_memalign",
        "(__)?posix_memalign",
        "pvalloc",
        "valloc",
        "realloc",
        "tcmalloc::.*",
        "tc_calloc",
        "tc_cfree",
        "tc_malloc",
        "tc_free",
        "tc_memalign",
        "tc_posix_memalign",
        "tc_pvalloc",
        "tc_valloc",
        "tc_realloc",
        "tc_new",
        "tc_delete",
        "tc_newarray",
        "tc_deletearray",
        "tc_new_nothrow",
        "tc_newarray_nothrow",
        "malloc_zone_malloc",
        "malloc_zone_calloc",
        "malloc_zone_valloc",
        "malloc_zone_realloc",
        "malloc_zone_memalign",
        "malloc_zone_free",
        r"runtime\..*",
        "BaseArena::.*",
        "(::)?do_malloc_no_errno",
        "(::)?do_malloc_pages",
        "(::)?do_malloc",
        "DoSampledAllocation",
        "MallocedMemBlock::MallocedMemBlock",
        "_M_allocate",
        "__builtin_(vec_)?delete",
        "__builtin_(vec_)?new",
        "__gnu_cxx::new_allocator::allocate",
        "__libc_malloc",
        "__malloc_alloc_template::allocate",
        "allocate",
        "cpp_alloc",
        r"operator new(\[\])?",
        "simple_alloc::allocate",
    ]
    .join("|")
}

/// The `drop_frames`/`keep_frames` `go tool pprof` gives a legacy profile
/// of these sample types.
pub(super) fn frame_filters(types: &[&str]) -> (String, String) {
    let heap: [&[&str]; 5] = [
        &["allocations", "size"],
        &["objects", "space"],
        &["inuse_objects", "inuse_space"],
        &["alloc_objects", "alloc_space"],
        &[
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ],
    ];
    if heap.contains(&types) {
        return (
            alloc_drop_frames(),
            r"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*".to_string(),
        );
    }
    if types == ["contentions", "delay"] {
        let lock = [
            "RecordLockProfileData",
            "(base::)?RecordLockProfileData.*",
            "(base::)?SubmitMutexProfileData.*",
            "(base::)?SubmitSpinLockProfileData.*",
            "(base::Mutex::)?AwaitCommon.*",
            "(base::Mutex::)?Unlock.*",
            "(base::Mutex::)?UnlockSlow.*",
            "(base::Mutex::)?ReaderUnlock.*",
            "(base::MutexLock::)?~MutexLock.*",
            "(Mutex::)?AwaitCommon.*",
            "(Mutex::)?Unlock.*",
            "(Mutex::)?UnlockSlow.*",
            "(Mutex::)?ReaderUnlock.*",
            "(MutexLock::)?~MutexLock.*",
            "(SpinLock::)?Unlock.*",
            "(SpinLock::)?SlowUnlock.*",
            "(SpinLockHolder::)?~SpinLockHolder.*",
        ];
        return (lock.join("|"), String::new());
    }
    (
        [
            "ProfileData::Add",
            "ProfileData::prof_handler",
            "CpuProfiler::prof_handler",
            "__pthread_sighandler",
            "__restore",
        ]
        .join("|"),
        String::new(),
    )
}
