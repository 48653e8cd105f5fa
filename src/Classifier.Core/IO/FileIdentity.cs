using System.Runtime.InteropServices;

namespace Classifier.Core.IO;

/// <summary>What kind of file a path names (after following every link).</summary>
internal enum FileKind
{
    /// <summary>Nothing exists at the path (or a link points nowhere).</summary>
    Missing,

    /// <summary>An ordinary file: the only kind a program replaces.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A character device such as <c>/dev/null</c>.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A named pipe, or a pipe reached through <c>/dev/stdin</c> or <c>/dev/fd/N</c>.</summary>
    Fifo,

    /// <summary>A Unix socket.</summary>
    Socket,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>
/// A file itself rather than its name: device and inode after following every link, so two paths
/// (symlinked folders, hard links, <c>..</c>) that reach the same file compare equal.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, FileKind Kind)
{
    /// <summary>The identity of the file <paramref name="path"/> reaches, or null when nothing exists there.</summary>
    public static FileIdentity? Of(string path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (!OperatingSystem.IsLinux()) return FallbackOf(path);
        var buffer = Marshal.AllocHGlobal(256);
        try
        {
            if (Native.stat(path, buffer) != 0) return null;
            var device = (ulong)Marshal.ReadInt64(buffer, 0);
            var inode = (ulong)Marshal.ReadInt64(buffer, 8);
            // struct stat on 64-bit Linux: st_mode follows st_nlink (8 bytes) on x64, st_ino directly on arm64.
            var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
            var mode = (uint)Marshal.ReadInt32(buffer, modeOffset);
            return new FileIdentity(device, inode, KindOf(mode));
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>The kind of file at <paramref name="path"/> (following links).</summary>
    public static FileKind KindAt(string path) => Of(path)?.Kind ?? FileKind.Missing;

    /// <summary>Whether the two identities are the same file (the kind is not compared).</summary>
    public bool SameFileAs(FileIdentity other) => Device == other.Device && Inode == other.Inode;

    /// <summary>Words for a kind, for error messages ("a character device").</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "a special file",
    };

    private static FileKind KindOf(uint mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        _ => FileKind.Other,
    };

    // Other systems: no inode from .NET, so the fully resolved path stands in for the file.
    private static FileIdentity? FallbackOf(string path)
    {
        var full = SafePaths.Canonical(path);
        if (Directory.Exists(full)) return new FileIdentity(0, (ulong)StringComparer.OrdinalIgnoreCase.GetHashCode(full), FileKind.Directory);
        if (!File.Exists(full)) return null;
        return new FileIdentity(0, (ulong)StringComparer.OrdinalIgnoreCase.GetHashCode(full), FileKind.Regular);
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int stat(string path, IntPtr buffer);
    }
}
