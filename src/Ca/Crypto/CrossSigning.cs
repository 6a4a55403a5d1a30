using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Crypto;

/// <summary>
/// <c>ConsulProvider.CrossSignCA</c>: the old root signs the new root's subject and public key, so leaves of the new
/// root also chain to the old one while both are in use. Valid from a minute ago for 7 days, as in Consul.
/// </summary>
public static class CrossSigning
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(7);

    public static string CrossSign(CaRoot oldRoot, CaRoot newRoot, DateTimeOffset now)
    {
        using var signer = new RootSigningKey(oldRoot);
        using var newCertificate = X509Certificate2.CreateFromPem(newRoot.RootCert);
        var request = new CertificateRequest(newCertificate.SubjectName, newCertificate.PublicKey, HashAlgorithmName.SHA256);
        foreach (var extension in newCertificate.Extensions)
        {
            if (extension is not X509AuthorityKeyIdentifierExtension)
            {
                request.CertificateExtensions.Add(extension);
            }
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(signer.KeyId));
        var notBefore = RootCertificates.TruncateToSeconds(now - TimeSpan.FromMinutes(1));
        var serial = KeyIds.SerialBytes(KeyIds.RandomSerial());
        return signer.Sign(generator =>
        {
            using var crossSigned = request.Create(signer.Certificate.SubjectName, generator, notBefore, notBefore + Validity, serial);
            return Pem.Certificate(crossSigned);
        });
    }
}
