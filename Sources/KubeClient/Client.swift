import KubeConfig
