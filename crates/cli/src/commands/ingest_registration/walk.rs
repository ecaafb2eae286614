//! The files behind the PATH arguments: a file stands for itself, a
//! folder for the regular files below it.
//!
//! Folders are read recursively, each folder's entries in byte order of
//! their names, so that a run is repeatable. Hidden entries (a name
//! starting with `.`) are skipped, as are FIFOs, sockets and devices. A
//! symbolic link is followed only when it leads to a regular file
//! inside the folder given: a link leaving it is skipped with a
//! warning, and links to folders are never followed (no cycles).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// One input file and its size on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path as given or found (a link keeps its own name).
    pub path: PathBuf,
    /// Bytes, for progress.
    pub size: u64,
}

/// Every file `paths` stand for, in order. A path that does not exist,
/// or is neither a file nor a folder, is an error.
pub fn expand(paths: &[PathBuf], quiet: bool) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;

        if meta.is_dir() {
            let root = fs::canonicalize(path)
                .with_context(|| format!("cannot read the folder {}", path.display()))?;
            Walk { root, quiet }.folder(path, &mut files)?;
        } else if meta.is_file() {
            files.push(InputFile { path: path.clone(), size: meta.len() });
        } else {
            bail!("{} is neither a regular file nor a folder", path.display());
        }
    }
    Ok(files)
}

/// One folder argument being walked.
struct Walk {
    /// The folder, canonical: links must stay below it.
    root: PathBuf,
    quiet: bool,
}

impl Walk {
    /// Adds the files below `dir`, depth first, in name order.
    fn folder(&self, dir: &Path, files: &mut Vec<InputFile>) -> Result<()> {
        let mut entries = fs::read_dir(dir)
            .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
            .with_context(|| format!("cannot read the folder {}", dir.display()))?;
        entries.sort_by_key(|entry| entry.file_name());

        for entry in entries {
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            let kind =
                entry.file_type().with_context(|| format!("cannot read {}", path.display()))?;

            if kind.is_dir() {
                self.folder(&path, files)?;
            } else if kind.is_file() {
                let size = entry.metadata().map_or(0, |m| m.len());
                files.push(InputFile { path, size });
            } else if kind.is_symlink() {
                self.link(path, files);
            }
        }
        Ok(())
    }

    /// Adds a link that leads to a regular file below the root.
    fn link(&self, path: PathBuf, files: &mut Vec<InputFile>) {
        let target = fs::canonicalize(&path).ok().filter(|t| t.starts_with(&self.root));
        let meta = target.as_deref().and_then(|t| fs::metadata(t).ok());

        match meta {
            Some(meta) if meta.is_file() => files.push(InputFile { path, size: meta.len() }),
            Some(_) => tracing::debug!(path = %path.display(), "link to a folder not followed"),
            None if !self.quiet => crate::diag!(
                "warning: skipped {}: a symbolic link that leaves {} or leads nowhere",
                path.display(),
                self.root.display()
            ),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[InputFile], root: &Path) -> Vec<String> {
        let relative = |f: &InputFile| f.path.strip_prefix(root).unwrap().display().to_string();
        files.iter().map(relative).collect()
    }

    #[test]
    fn folders_are_walked_in_order_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/c")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for name in ["z.txt", "a.txt", "b/c/d.txt", "b/a.txt", ".hidden", ".git/x"] {
            fs::write(root.join(name), "x").unwrap();
        }

        let files = expand(&[root.to_owned()], true).unwrap();
        assert_eq!(names(&files, root), ["a.txt", "b/a.txt", "b/c/d.txt", "z.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (root, outside) = (dir.path().join("root"), dir.path().join("secret.txt"));
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(&outside, "x").unwrap();
        fs::write(root.join("sub/real.txt"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/real.txt"), root.join("in.txt")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();

        let files = expand(std::slice::from_ref(&root), true).unwrap();
        assert_eq!(names(&files, &root), ["in.txt", "sub/real.txt"]);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = expand(&[dir.path().join("gone")], true).unwrap_err();
        assert!(error.to_string().contains("gone"), "{error}");
    }
}
