using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one version need of an ELF shared library weak (vna_flags |= VER_FLG_WEAK), so the
/// dynamic loader accepts a system library that lacks that version. TorchSharp's prebuilt
/// libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13) for a single symbol,
/// std::ios_base_library_init(), which it never calls; Debian 12 ships GLIBCXX_3.4.30, so without
/// this the library does not load at all. The file is rewritten through a temporary copy and a
/// rename, never in place, because the build may have hard-linked it to the NuGet cache.
/// </summary>
public class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The libraries to patch; missing files are skipped.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version name to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path))
            {
                continue;
            }

            byte[] elf = File.ReadAllBytes(path);
            int changed;
            try
            {
                changed = Weaken(elf, Version);
            }
            catch (InvalidDataException e)
            {
                Log.LogError("{0}: {1}", path, e.Message);
                return false;
            }

            if (changed == 0)
            {
                continue;
            }

            string temporary = path + ".weakening";
            File.WriteAllBytes(temporary, elf);
            File.Delete(path); // unlinks a hard link rather than writing through it
            File.Move(temporary, path);
            Log.LogMessage(MessageImportance.Normal, "Marked the {0} version need of {1} weak.", Version, path);
        }

        return true;
    }

    /// <summary>Sets VER_FLG_WEAK on every strong need of <paramref name="version"/>; returns how many changed.</summary>
    public static int Weaken(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        ulong sectionTable = BitConverter.ToUInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int s = 0; s < sectionCount; s++)
        {
            int header = checked((int)sectionTable + (s * sectionSize));
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, header + 0x28);
            int strings = checked((int)BitConverter.ToUInt64(elf, checked((int)sectionTable + (link * sectionSize)) + 0x18));

            // Verneed entries: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            int need = offset;
            while (true)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    string name = ReadString(elf, strings + (int)BitConverter.ToUInt32(elf, aux + 8));
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (name == version && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        changed++;
                    }

                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }

                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        return changed;
    }

    private static string ReadString(byte[] elf, int start)
    {
        int end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}
