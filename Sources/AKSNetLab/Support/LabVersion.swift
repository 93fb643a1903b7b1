/// The Kubernetes version the lab reports (kubectl's dispatcher picks kubectl.1.32 from it).
public enum LabVersion {
    public static let gitVersion = "v1.32.5-aksnet-lab"
    public static let major = "1"
    public static let minor = "32"
}
