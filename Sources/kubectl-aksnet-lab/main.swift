import AKSNetLab
#if canImport(Glibc)
import Glibc
#endif

exit(LabEntry.main(CommandLine.arguments))
