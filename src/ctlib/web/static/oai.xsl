<?xml version="1.0" encoding="utf-8"?>
<!-- OAI-PMH responses as a page for people: a browser applies this stylesheet (named by
     the response's xml-stylesheet instruction); harvesters read the XML and ignore it.
     Every verb is a link, every list a table, a resumption token a link to the next
     part. Links are relative to the response's own address (/oai). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:oai="http://www.openarchives.org/OAI/2.0/"
                exclude-result-prefixes="oai">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:template match="/oai:OAI-PMH">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>OAI-PMH <xsl:value-of select="oai:request/@verb"/></title>
        <style>
          body { font: 1rem/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem;
                 max-width: 72rem; color: #1a1a1a; background: #fff; }
          a { color: #0b4f9c; }
          a:focus { outline: 3px solid #1a1a1a; outline-offset: 2px; }
          nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
          nav a, td a, caption a, .pager a { display: inline-block; padding: .3rem 0; min-height: 24px; }
          table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem;
                  table-layout: fixed; }
          th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
                   border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
          th { width: 12rem; font-weight: 600; }
          thead th { width: auto; background: #f2f2f2; }
          caption { text-align: left; font-weight: 600; padding: .3rem 0; overflow-wrap: anywhere; }
          ul.sets { list-style: none; margin: 0; padding: 0; }
          .error { border-left: 4px solid #b00020; padding: .5rem 1rem; background: #fdecee; }
          .hint { color: #555; }
          @media (max-width: 40rem) { th { width: 7rem; } }
        </style>
      </head>
      <body>
        <header>
          <p><a href="/">Home</a> · OAI-PMH 2.0 at <xsl:value-of select="oai:request"/></p>
          <nav aria-label="Verbs">
            <ul>
              <li><a href="?verb=Identify">Identify</a></li>
              <li><a href="?verb=ListSets">ListSets</a></li>
              <li><a href="?verb=ListMetadataFormats">ListMetadataFormats</a></li>
              <li><a href="?verb=ListIdentifiers&amp;metadataPrefix=oai_dc">ListIdentifiers</a></li>
              <li><a href="?verb=ListRecords&amp;metadataPrefix=oai_dc">ListRecords</a></li>
            </ul>
          </nav>
        </header>
        <main>
          <h1>
            <xsl:choose>
              <xsl:when test="oai:request/@verb"><xsl:value-of select="oai:request/@verb"/></xsl:when>
              <xsl:otherwise>OAI-PMH</xsl:otherwise>
            </xsl:choose>
          </h1>
          <p class="hint">Answered <xsl:value-of select="oai:responseDate"/>.
            This is the XML a harvester reads, shown as a page.</p>
          <xsl:apply-templates select="oai:error | oai:Identify | oai:ListSets
            | oai:ListMetadataFormats | oai:ListIdentifiers | oai:ListRecords | oai:GetRecord"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="oai:error">
    <p class="error" role="alert"><strong><xsl:value-of select="@code"/></strong>:
      <xsl:value-of select="."/></p>
  </xsl:template>

  <xsl:template match="oai:Identify">
    <table>
      <caption>The repository</caption>
      <tbody>
        <xsl:for-each select="*[not(self::oai:description)]">
          <tr><th scope="row"><xsl:value-of select="local-name()"/></th>
            <td><xsl:value-of select="."/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListSets">
    <table>
      <caption>Sets</caption>
      <thead><tr><th scope="col">setSpec</th><th scope="col">setName</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:set">
          <tr><td><a href="?verb=ListRecords&amp;metadataPrefix=oai_dc&amp;set={oai:setSpec}">
            <xsl:value-of select="oai:setSpec"/></a></td>
            <td><xsl:value-of select="oai:setName"/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:ListMetadataFormats">
    <table>
      <caption>Metadata formats</caption>
      <thead><tr><th scope="col">metadataPrefix</th><th scope="col">schema</th>
        <th scope="col">metadataNamespace</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:metadataFormat">
          <tr><td><a href="?verb=ListRecords&amp;metadataPrefix={oai:metadataPrefix}">
            <xsl:value-of select="oai:metadataPrefix"/></a></td>
            <td><xsl:value-of select="oai:schema"/></td>
            <td><xsl:value-of select="oai:metadataNamespace"/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListIdentifiers">
    <table>
      <caption>Record headers</caption>
      <thead><tr><th scope="col">identifier</th><th scope="col">datestamp</th>
        <th scope="col">sets</th></tr></thead>
      <tbody>
        <xsl:for-each select="oai:header">
          <tr><td><xsl:apply-templates select="." mode="identifier"/></td>
            <td><xsl:value-of select="oai:datestamp"/></td>
            <td><xsl:apply-templates select="." mode="sets"/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:ListRecords | oai:GetRecord">
    <xsl:for-each select="oai:record">
      <table class="record">
        <caption><xsl:apply-templates select="oai:header" mode="identifier"/></caption>
        <tbody>
          <tr><th scope="row">datestamp</th><td><xsl:value-of select="oai:header/oai:datestamp"/></td></tr>
          <xsl:if test="oai:header/oai:setSpec">
            <tr><th scope="row">sets</th><td><xsl:apply-templates select="oai:header" mode="sets"/></td></tr>
          </xsl:if>
          <!-- every leaf of the metadata, whatever the format: dc:title, a property in
               RDF/XML, with its language or the resource it names -->
          <xsl:for-each select="oai:metadata//*[not(*)]">
            <tr><th scope="row"><xsl:value-of select="name()"/></th>
              <td>
                <xsl:if test="@xml:lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
                <xsl:value-of select="."/>
                <xsl:value-of select="@*[local-name() = 'resource']"/>
              </td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </xsl:for-each>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:header" mode="identifier">
    <a href="?verb=GetRecord&amp;metadataPrefix=oai_dc&amp;identifier={oai:identifier}">
      <xsl:value-of select="oai:identifier"/></a>
    <xsl:if test="@status = 'deleted'"> (deleted)</xsl:if>
  </xsl:template>

  <xsl:template match="oai:header" mode="sets">
    <ul class="sets">
      <xsl:for-each select="oai:setSpec"><li><xsl:value-of select="."/></li></xsl:for-each>
    </ul>
  </xsl:template>

  <xsl:template match="oai:resumptionToken">
    <p class="pager">
      <xsl:if test="@completeListSize">
        <xsl:value-of select="@cursor"/> before this part, of <xsl:value-of select="@completeListSize"/>.
      </xsl:if>
      <xsl:if test="string(.)">
        <a rel="next" href="?verb={/oai:OAI-PMH/oai:request/@verb}&amp;resumptionToken={.}">Next part</a>
      </xsl:if>
      <xsl:if test="not(string(.))">This is the last part.</xsl:if>
    </p>
  </xsl:template>
</xsl:stylesheet>
